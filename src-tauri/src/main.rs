// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if std::env::args().skip(1).any(|a| a == "--where") {
        print!("{}", packbench_app::whereabouts());
        return;
    }
    packbench_app::run();
}
