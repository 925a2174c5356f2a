import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeSql } from './sql-text';

/**
 * The one way statement files are read, for every store (legacy MySQL, Pacer, core's own
 * wrappers): `<dir>/<name>.sql` holds one statement or fragment after a header comment block, and
 * is read once, comments dropped and whitespace normalized (sql-text.ts).
 *
 * Identifiers cannot be bound as parameters, so statements name them through `{{slot}}`s. Slots a
 * store fixes for the life of the process (its table names, from its tables module) are given to
 * the loader and filled when the file is read, so renaming a table there changes every statement;
 * per-call slots (a legacy queue's table, a fragment built from another statement file) are filled
 * by `render`. Slot values come from our own modules, never from request data, and a slot left
 * without a value is an error, so a typo cannot reach MySQL.
 */
export interface SqlLoader<Name extends string> {
  /** The statement with the loader's fixed slots filled; per-call slots are left for `render`. */
  load(name: Name): string;
  /** The statement with every slot filled (`slots` for the per-call ones). */
  render(name: Name, slots?: Readonly<Record<string, string>>): string;
}

export function createSqlLoader<Name extends string>(dir: string, fixedSlots: Readonly<Record<string, string>> = {}): SqlLoader<Name> {
  const cache = new Map<Name, string>();
  const load = (name: Name): string => {
    let text = cache.get(name);
    if (text === undefined) {
      text = fillKnownSlots(normalizeSql(readFileSync(join(dir, `${name}.sql`), 'utf8')), fixedSlots);
      cache.set(name, text);
    }
    return text;
  };
  return { load, render: (name, slots = {}) => fillSlots(load(name), slots, name) };
}

const SLOT = /\{\{(\w+)\}\}/g;

/** Fills every `{{slot}}`; a slot without a value is an error. */
export function fillSlots(text: string, slots: Readonly<Record<string, string>>, statement?: string): string {
  return text.replace(SLOT, (_m, slot: string) => {
    const value = slots[slot];
    if (value === undefined) throw new Error(`SQL slot {{${slot}}}${statement === undefined ? '' : ` of ${statement}`} has no value`);
    return value;
  });
}

/** The names of the `{{slot}}`s left in a text. */
export function slotNames(text: string): string[] {
  return [...text.matchAll(SLOT)].map((m) => m[1] as string);
}

function fillKnownSlots(text: string, slots: Readonly<Record<string, string>>): string {
  return text.replace(SLOT, (whole, slot: string) => (Object.hasOwn(slots, slot) ? (slots[slot] as string) : whole));
}
