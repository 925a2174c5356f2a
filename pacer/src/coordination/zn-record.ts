/**
 * Helix's ZNRecord (MODEL §2.2): `{id, simpleFields, listFields, mapFields}`, every value a
 * string, keys sorted (Helix keeps TreeMaps), Jackson-style indented JSON. Records over the write
 * limit are gzipped; readers detect gzip by its magic bytes. Unknown properties are ignored.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

export interface ZNRecord {
  id: string;
  simpleFields: Record<string, string>;
  listFields: Record<string, string[]>;
  mapFields: Record<string, Record<string, string>>;
}

/** Helix's `SIZE_LIMIT`: 1000 KiB, a margin under ZooKeeper's 1 MiB jute.maxbuffer. */
export const ZNRECORD_SIZE_LIMIT = 1000 * 1024;

export class ZNRecordTooLargeError extends Error {
  constructor(readonly id: string, readonly bytes: number) {
    super(`ZNRecord ${id} is ${bytes} bytes after compression, over the ${ZNRECORD_SIZE_LIMIT}-byte limit`);
    this.name = 'ZNRecordTooLargeError';
  }
}

export function newRecord(id: string): ZNRecord {
  return { id, simpleFields: {}, listFields: {}, mapFields: {} };
}

function sortKeys<T>(input: Record<string, T>, map: (value: T) => T = (v) => v): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(input).sort()) out[key] = map(input[key] as T);
  return out;
}

/** The canonical JSON text (sorted keys, 2-space indent, as Helix's serializer writes). */
export function recordToJson(record: ZNRecord): string {
  return JSON.stringify(
    {
      id: record.id,
      simpleFields: sortKeys(record.simpleFields),
      listFields: sortKeys(record.listFields, (list) => [...list]),
      mapFields: sortKeys(record.mapFields, (m) => sortKeys(m)),
    },
    null,
    2,
  );
}

/** Serializes for a znode: plain JSON, gzipped when over the limit or `enableCompression=true`. */
export function serializeRecord(record: ZNRecord): Buffer {
  const json = Buffer.from(recordToJson(record), 'utf8');
  const compress = record.simpleFields.enableCompression === 'true' || json.length > ZNRECORD_SIZE_LIMIT;
  if (!compress) return json;
  const zipped = gzipSync(json);
  if (zipped.length > ZNRECORD_SIZE_LIMIT) throw new ZNRecordTooLargeError(record.id, zipped.length);
  return zipped;
}

function isGzip(data: Buffer): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== null && v !== undefined) out[k] = String(v);
    }
  }
  return out;
}

function listMap(value: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (Array.isArray(v)) out[k] = v.map((item) => String(item));
    }
  }
  return out;
}

function mapMap(value: unknown): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = stringMap(v);
  }
  return out;
}

/** Parses znode data (plain or gzipped JSON); `fallbackId` names records with no id. */
export function parseRecord(data: Buffer, fallbackId = ''): ZNRecord {
  if (data.length === 0) return newRecord(fallbackId);
  const text = (isGzip(data) ? gunzipSync(data) : data).toString('utf8');
  const raw = JSON.parse(text) as Record<string, unknown>;
  return {
    id: typeof raw.id === 'string' ? raw.id : fallbackId,
    simpleFields: stringMap(raw.simpleFields),
    listFields: listMap(raw.listFields),
    mapFields: mapMap(raw.mapFields),
  };
}

/** Deep copy (records are plain data). */
export function cloneRecord(record: ZNRecord): ZNRecord {
  return parseRecord(Buffer.from(recordToJson(record)), record.id);
}

/** Same id and fields (what `recordToJson` would print the same), compared without serializing (the controller compares thousands per run). */
export function recordsEqual(a: ZNRecord, b: ZNRecord): boolean {
  return (
    a.id === b.id &&
    sameKeys(a.simpleFields, b.simpleFields, (x, y) => x === y) &&
    sameKeys(a.listFields, b.listFields, (x, y) => x.length === y.length && x.every((v, i) => v === y[i])) &&
    sameKeys(a.mapFields, b.mapFields, (x, y) => sameKeys(x, y, (u, v) => u === v))
  );
}

function sameKeys<T>(a: Record<string, T>, b: Record<string, T>, equal: (x: T, y: T) => boolean): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!equal(a[k] as T, b[k] as T)) return false;
  }
  return true;
}
