import { CopyLedger } from './copy-ledger';

describe('CopyLedger', () => {
  it('keeps a copy in flight while an ack is outstanding, and after it moved since a mark', () => {
    const ledger = new CopyLedger<string>(10);
    expect(ledger.inFlight('s1', ledger.mark())).toBe(false); // never touched: settled
    ledger.begin('s1');
    const mark = ledger.mark();
    expect(ledger.inFlight('s1', mark)).toBe(true);
    ledger.end('s1');
    expect(ledger.inFlight('s1', mark)).toBe(true); // moved after the mark
    expect(ledger.inFlight('s1', ledger.mark())).toBe(false);
  });

  it('hands waiting outcomes out in arrival order, one per claim', () => {
    const ledger = new CopyLedger<string>(10);
    ledger.pushOutcome('s1', 'failed');
    ledger.pushOutcome('s1', 'succeeded');
    expect(ledger.takeOutcome('s1')).toBe('failed');
    expect(ledger.inFlight('s1', ledger.mark())).toBe(true); // one still waits
    expect(ledger.takeOutcome('s1')).toBe('succeeded');
    expect(ledger.takeOutcome('s1')).toBeUndefined();
    expect(ledger.inFlight('s1', ledger.mark())).toBe(false);
  });

  it('keeps a diverged copy in flight for good (released, or an ack lost)', () => {
    const ledger = new CopyLedger<string>(10);
    ledger.diverge('s1');
    ledger.begin('s2');
    ledger.end('s2', true);
    ledger.end('s3'); // an end without a begin never goes below zero
    const mark = ledger.mark();
    expect([ledger.inFlight('s1', mark), ledger.inFlight('s2', mark), ledger.inFlight('s3', mark)]).toEqual([true, true, false]);
  });

  it('is bounded: the least recently touched copy is forgotten', () => {
    const ledger = new CopyLedger<string>(2);
    ledger.diverge('s1');
    ledger.diverge('s2');
    ledger.diverge('s3');
    const mark = ledger.mark();
    expect([ledger.inFlight('s1', mark), ledger.inFlight('s2', mark), ledger.inFlight('s3', mark)]).toEqual([false, true, true]);
  });
});
