// The store's lifecycle as the screens show it: the names the store gave its
// ten stages and its own statuses inside them (in both languages), their
// limits, and the matrix of transitions between stages. Read from core when
// the app starts and replaced by the whole Lifecycle every edit returns.
// Nothing here decides what is allowed: core does, and refuses the rest;
// this only names and lists what core sent.

import { ipc } from './ipc';
import { locale } from './locale.svelte';
import { statusKey, translate } from './i18n';
import type { Labels, Lifecycle, OrderStatus, StatusDef, TransitionCell } from './bindings';

class LifecycleStore {
  /** What core sent last; null until it has been read (the UI's own words meanwhile). */
  current = $state.raw<Lifecycle | null>(null);
  // Bumped by every answer taken, so a slow read cannot undo a newer edit.
  private seq = 0;

  /** Reads it from core; rejects (and keeps what it had) when core cannot answer. */
  async load(): Promise<Lifecycle> {
    const seq = ++this.seq;
    const next = await ipc.lifecycle();
    if (seq === this.seq) this.current = next;
    return next;
  }

  /** The whole Lifecycle an edit returned. */
  use(next: Lifecycle): void {
    this.seq++;
    this.current = next;
  }

  /** Back to the UI's own words (another database, a test's end). */
  forget(): void {
    this.seq++;
    this.current = null;
  }
}

export const lifecycle = new LifecycleStore();

function inLanguage(names: { en: string; ru: string }): string {
  return locale.lang === 'en' ? names.en : names.ru;
}

function labelsOf(def: StatusDef): Labels {
  return { en: def.label_en, ru: def.label_ru };
}

/**
 * The store's name of a stage, or of its own status `sub` inside it, in the
 * UI's language. `known` is the name core computed for an order
 * (`OrderDetail.status_name`): used when this store does not know the
 * status (not read yet, or added since). Without either, the UI's own word
 * for the stage.
 */
export function statusName(stage: OrderStatus, sub?: string | null, known?: Labels | null): string {
  const defs = lifecycle.current?.statuses ?? [];
  const own = sub ? defs.find((d) => d.code === sub && d.stage === stage) : undefined;
  if (own) return inLanguage(labelsOf(own));
  if (sub && known) return inLanguage(known);
  const standard = defs.find((d) => d.standard && d.stage === stage);
  if (standard) return inLanguage(labelsOf(standard));
  if (known) return inLanguage(known);
  return translate(locale.lang, statusKey(stage));
}

/** The name a status definition carries, in the UI's language. */
export function defName(def: StatusDef): string {
  return inLanguage(labelsOf(def));
}

/** The ten stages, in their order. */
export function stages(): StatusDef[] {
  return (lifecycle.current?.statuses ?? []).filter((d) => d.standard);
}

/** The store's own statuses inside `stage` (what an order there may be put in). */
export function ownStatuses(stage: OrderStatus): StatusDef[] {
  return (lifecycle.current?.statuses ?? []).filter((d) => d.stage === stage && !d.standard);
}

/** One cell of the matrix, as core sent it. */
export function transition(from: OrderStatus, to: OrderStatus): TransitionCell | undefined {
  return lifecycle.current?.transitions.find((c) => c.from === from && c.to === to);
}
