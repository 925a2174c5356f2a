import { readdirSync } from 'node:fs';
import { LUA_DIR, LUA_SCRIPT_NAMES, luaScripts } from './lua-scripts';

describe('Lua scripts', () => {
  it('every file in lua/ is registered and has a header block with keys, arguments and result', () => {
    const files = readdirSync(LUA_DIR).filter((f) => f.endsWith('.lua')).map((f) => f.replace(/\.lua$/, '')).sort();
    expect(files).toEqual([...LUA_SCRIPT_NAMES].sort());
    for (const script of luaScripts().values()) {
      const header = script.source.slice(0, script.source.indexOf(']]'));
      expect(header.startsWith(`--[[\n  ${script.name}:`)).toBe(true);
      expect(header).toMatch(/KEYS\[1\]/);
      expect(header).toMatch(/Output:/);
      expect(script.sha).toMatch(/^[0-9a-f]{40}$/);
    }
  });
});
