import { toQueueNamesResponse } from './get-queue-names';

describe('getQueueNames mapping', () => {
  it('a set becomes the Thrift set', () => {
    expect(toQueueNamesResponse(new Set(['a', 'b']))).toEqual(['a', 'b']);
  });
});
