/**
 * DELETE_JOBS_MATCH_BODY's paging replayed over the ids in rank order as they were before any
 * removal (FACTS §6.4): a page is the next `pageSize` ids; every id of a page is examined; when a
 * page ends, the next page starts `pageSize` ranks further in the set *after* that page's
 * removals, so the first `matched` ids after the page are never examined. Feed it every id in
 * order: `examines()` says whether the id is examined (else it is one of the skipped), then
 * `examined(matched)` for each examined id.
 */
export class ScriptPages {
  private leftInPage: number;
  private matchedInPage = 0;
  private toSkip = 0;

  constructor(private readonly pageSize: number) {
    this.leftInPage = pageSize;
  }

  /** Whether the next id is examined; a skipped id is consumed by this call. */
  examines(): boolean {
    if (this.toSkip === 0) return true;
    this.toSkip--;
    return false;
  }

  examined(matched: boolean): void {
    if (matched) this.matchedInPage++;
    if (--this.leftInPage > 0) return;
    this.toSkip = this.matchedInPage;
    this.matchedInPage = 0;
    this.leftInPage = this.pageSize;
  }
}
