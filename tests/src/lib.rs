//! Flow tests live in tests/tests.
