import { EndpointError, isPort, parseEndpoint, parseEndpointObject } from './endpoint';

describe('parseEndpoint (host:port text)', () => {
  it.each([
    ['broker-1:9191', { host: 'broker-1', port: 9191 }],
    [' 127.0.0.1:1 ', { host: '127.0.0.1', port: 1 }],
    ['h:65535', { host: 'h', port: 65535 }],
    ['[::1]:9191', { host: '::1', port: 9191 }],
    ['[fe80::1%eth0]:80', { host: 'fe80::1%eth0', port: 80 }],
  ])('parses %j', (text, expected) => {
    expect(parseEndpoint(text)).toEqual(expected);
  });

  it.each([
    ['broker-1', /expected host:port/],
    ['broker-1:', /port must be an integer in 1\.\.65535, got ''/],
    [':9191', /host is empty/],
    ['h:0', /port must be an integer in 1\.\.65535, got '0'/],
    ['h:65536', /got '65536'/],
    ['h:123456', /got '123456'/],
    ['h:-1', /got '-1'/],
    ['h:80x', /got '80x'/],
    ['h:+80', /got '\+80'/],
    ['my host:80', /whitespace/],
    ['::1:9191', /IPv6 address in brackets/],
    ['[::1]', /expected host:port/],
    ['[h]:80', /brackets are for IPv6 addresses only/],
    ['', /expected host:port/],
  ])('refuses %j', (text, message) => {
    expect(() => parseEndpoint(text)).toThrow(EndpointError);
    expect(() => parseEndpoint(text)).toThrow(message);
  });

  it('names what the endpoint is in its error', () => {
    expect(() => parseEndpoint('nope', 'broker endpoint')).toThrow("Invalid broker endpoint 'nope': expected host:port");
  });
});

describe('isPort', () => {
  it('is an integer in 1..65535', () => {
    expect([1, 3306, 65535].map(isPort)).toEqual([true, true, true]);
    expect([0, 65536, -1, 1.5, Number.NaN, '80', undefined].map(isPort)).toEqual([false, false, false, false, false, false, false]);
  });
});

describe('parseEndpointObject (PinLater JSON {host, port})', () => {
  it('reads a valid object', () => {
    const problems: string[] = [];
    expect(parseEndpointObject({ host: 'h', port: 6379 }, 'master', problems)).toEqual({ host: 'h', port: 6379 });
    expect(problems).toEqual([]);
  });

  it('lists every problem, each under its place', () => {
    const problems: string[] = [];
    expect(parseEndpointObject({ host: '', port: 0, db: 1 }, 'shards[0].master', problems)).toBeUndefined();
    expect(problems).toEqual([
      'shards[0].master: unknown field "db" (allowed: host, port)',
      'shards[0].master.host: must be a non-empty string without whitespace',
      'shards[0].master.port: must be an integer in 1..65535',
    ]);
    expect(parseEndpointObject('h:1', 'slave', problems)).toBeUndefined();
    expect(problems[3]).toBe('slave: must be an object {"host": ..., "port": ...}');
  });

  it('takes a port written as a string only when told how to parse it', () => {
    const numbersOnly: string[] = [];
    expect(parseEndpointObject({ host: 'h', port: '3306' }, 'm', numbersOnly)).toBeUndefined();
    expect(numbersOnly).toEqual(['m.port: must be an integer in 1..65535']);
    const problems: string[] = [];
    expect(parseEndpointObject({ host: 'h', port: '3306' }, 'm', problems, { portFromText: Number })).toEqual({ host: 'h', port: 3306 });
    expect(parseEndpointObject({ host: 'h', port: '70000' }, 'm', problems, { portFromText: Number })).toBeUndefined();
    expect(problems).toEqual(['m.port: must be an integer in 1..65535']);
  });
});
