/**
 * What the leading controller tells on-call (issue 16: it logged nothing when a broker left or
 * came back). The pipeline's observer: as a run reads and writes, at info, only what changed:
 *
 * - `instance joined live instances` / `instance left live instances`: `instance`, `session`
 *   (a rejoin under a new session: `previousSession`), `live` (how many are live now). At most
 *   MAX_LISTED instances per run get a line of their own; the rest share one
 *   `more membership changes` line with counts.
 * - `controller took over: live instances`: the first run after gaining leadership, the whole
 *   membership it starts from (`instances`, bounded, and `live`).
 * - `assignment changed`: per resource whose ideal state it rewrote, the counts (`changed`,
 *   `moved`, `assigned`, `unassigned`), at most MAX_LISTED `moves` ("p: from -> to") and
 *   `owners` (partitions per instance), `movesNotListed` / `ownersNotListed` beyond that.
 *
 * Leadership gained and lost is logged by the election (`controller leadership changed`).
 */
import type { Logger } from '../../../core/src/logging/logger';
import { bounded, changeFields, type AssignmentChange } from './assignment-change';
import type { PipelineObserver } from './controller-pipeline';

/** Entries listed per line (instances, moves, owners) before summarising: lines stay small in big clusters. */
export const MAX_LISTED = 20;

interface MemberEvent {
  readonly kind: 'joined' | 'left';
  readonly instance: string;
  readonly session: string;
  readonly previousSession?: string;
}

export class ControllerChangeLog implements PipelineObserver {
  /** The live instances (name → session) as of the last run logged; undefined: none yet as leader. */
  private live: ReadonlyMap<string, string> | undefined;

  constructor(private readonly logger: Logger) {}

  /** Leadership gained: the next run's membership is logged whole, as the starting point. */
  leadershipGained(): void {
    this.live = undefined;
  }

  assignmentChanged(change: AssignmentChange): void {
    if (change.moves.length > 0) this.logger.info(changeFields(change, MAX_LISTED), 'assignment changed');
  }

  liveInstances(live: ReadonlyMap<string, string>): void {
    const before = this.live;
    this.live = new Map(live);
    if (before === undefined) {
      const names = bounded([...live.keys()].sort(), MAX_LISTED);
      this.logger.info({ instances: names.listed, ...(names.notListed > 0 ? { instancesNotListed: names.notListed } : {}), live: live.size }, 'controller took over: live instances');
      return;
    }
    const events = membershipEvents(before, live);
    const shown = bounded(events, MAX_LISTED);
    for (const e of shown.listed) {
      const { kind, ...fields } = e;
      this.logger.info({ ...fields, live: live.size }, `instance ${kind} live instances`);
    }
    if (shown.notListed > 0) {
      const rest = events.slice(MAX_LISTED);
      this.logger.info({ joined: rest.filter((e) => e.kind === 'joined').length, left: rest.filter((e) => e.kind === 'left').length, live: live.size }, 'more membership changes');
    }
  }
}

/** Left first, then joined, each in name order; a new session of the same name is a join. */
export function membershipEvents(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): MemberEvent[] {
  const left: MemberEvent[] = [];
  const joined: MemberEvent[] = [];
  for (const [instance, session] of before) if (!after.has(instance)) left.push({ kind: 'left', instance, session });
  for (const [instance, session] of after) {
    const previousSession = before.get(instance);
    if (previousSession === session) continue;
    joined.push({ kind: 'joined', instance, session, ...(previousSession === undefined ? {} : { previousSession }) });
  }
  const byName = (a: MemberEvent, b: MemberEvent): number => (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0);
  return [...left.sort(byName), ...joined.sort(byName)];
}
