/**
 * Time as PinLater's MySQL layout stores it (FACTS §5.4).
 *
 * PinLater binds JDBC Timestamps from the Java clock; Connector/J renders them as wall-clock
 * literals in the JVM time zone, MySQL reads them in the session time zone, and the columns keep
 * whole seconds (the fraction is TRUNCATED). Compatibility needs "JVM TZ == session TZ".
 *
 * Our convention (docs/compatibility.md, "Legacy MySQL: time zone"): every connection's session
 * `time_zone` is set to the PROCESS time zone's current UTC offset (`+HH:MM`), re-set when that
 * offset changes (DST), and every literal written on that connection is rendered with that same
 * offset; TIMESTAMP values read back are parsed with it. Written instants are therefore exact
 * whatever the offset, and a Java server whose JVM and session zones agree sees the same instants.
 */

/** Minutes east of UTC of the process time zone at `atMs`. */
export type ZoneOffsetSource = (atMs: number) => number;

export const processZoneOffset: ZoneOffsetSource = (atMs) => {
  const offset = -new Date(atMs).getTimezoneOffset();
  return offset === 0 ? 0 : offset; // no -0
};

/** Session `time_zone` value for an offset in minutes: `+00:00`, `-07:00`, `+05:30`. */
export function sessionTimeZone(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** Epoch ms truncated to whole seconds (toward negative infinity; never rounded). */
export function truncateToSecondMs(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** `YYYY-MM-DD HH:MM:SS` wall clock of `ms` (truncated to the second) at `offsetMinutes`. */
export function formatSqlTimestamp(ms: number, offsetMinutes: number): string {
  const wall = new Date(truncateToSecondMs(ms) + offsetMinutes * 60_000);
  if (Number.isNaN(wall.getTime())) throw new RangeError(`Invalid time: ${ms}`);
  const year = wall.getUTCFullYear();
  const y = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : String(year);
  return (
    `${y}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())} ` +
    `${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}:${pad2(wall.getUTCSeconds())}`
  );
}

const SQL_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * Epoch ms of a TIMESTAMP value read as text on a session at `offsetMinutes`. The zero date
 * (non-strict servers store it for out-of-range values, FACTS §11.12) reads as 0.
 */
export function parseSqlTimestamp(text: string, offsetMinutes: number): number {
  const m = SQL_TIMESTAMP.exec(text);
  if (!m) throw new Error(`Unexpected TIMESTAMP value: ${text}`);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year === 0 && month === 0 && day === 0) return 0;
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  return wallMs - offsetMinutes * 60_000;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
