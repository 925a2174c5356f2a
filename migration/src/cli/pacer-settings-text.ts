/**
 * How `pinlater-ops pacer settings` prints a cluster's stored settings (pacer-settings-command.ts):
 * one row per setting (as stored, what the controller uses, the default), what may be set, and a
 * note when the throttle is below today's default. `--json` prints the snapshot itself.
 */
import type { ClusterSettingsSnapshot } from '../../../pacer/index';
import { field, formatTable } from './output-format';

/** The command that changes the throttle, for the text output and the help. */
export const SET_THROTTLE_COMMAND = 'pinlater-ops pacer settings set --max-partitions-in-transition <n>';

export function formatSettings(s: ClusterSettingsSnapshot, limit: number): string {
  const max = s.maxPartitionsInTransition;
  const delay = s.delayRebalance;
  const typed = Object.entries(s.byRebalanceType).map(([type, bound]) => [
    `MAX_PARTITION_IN_TRANSITION (${type})`, field(bound.stored), bound.inUse === null ? 'no own bound' : String(bound.inUse), 'no own bound',
  ]);
  const rows = [
    ['MAX_PARTITION_IN_TRANSITION', field(max.stored), String(max.inUse), String(max.default)],
    ...typed,
    ['DELAY_REBALANCE (ENABLED, TIME ms)', storedDelay(s), delayText(delay.inUseMs), delayText(delay.defaultMs)],
  ];
  const lines = [
    `${headline(s)}:`,
    formatTable(['SETTING', 'STORED', 'CONTROLLER USES', 'DEFAULT'], rows),
    `Settable: MAX_PARTITION_IN_TRANSITION, 1 to ${limit} (${SET_THROTTLE_COMMAND}), of one kind with --rebalance-type `
      + 'RECOVERY_BALANCE (partitions coming ONLINE) or LOAD_BALANCE (the others) on top; the rebalance delay is shown only.',
  ];
  if (max.inUse < max.default) {
    lines.push(`note: the controller lets at most ${max.inUse} partitions be in transition at once, below today's default ${max.default} `
      + '(clusters set up before the default was raised keep their stored value): a large rebalance takes more controller runs.');
  }
  return lines.join('\n');
}

/** `Pacer cluster <c> (ZooKeeper <zk>), <path> version <v>` (or absent). */
export function headline(s: ClusterSettingsSnapshot): string {
  const record = s.version === null ? `${s.path} absent (the controller uses every default)` : `${s.path} version ${s.version}`;
  return `Pacer cluster ${s.cluster} (ZooKeeper ${field(s.zk, 200)}), ${record}`;
}

function storedDelay(s: ClusterSettingsSnapshot): string {
  const { storedEnabled, storedTimeMs } = s.delayRebalance;
  if (storedEnabled === null && storedTimeMs === null) return '-';
  return `${field(storedEnabled, 20)}, ${field(storedTimeMs, 20)}`;
}

function delayText(ms: number): string {
  return ms > 0 ? `${ms} ms` : 'off';
}
