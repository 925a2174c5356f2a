import type { BaseTypeName, ConstValue, FieldDef, IdlSchema, MethodDef, Requiredness, StructDef, TypeRef } from './idl-schema';

/**
 * A parser for the subset of the Thrift IDL that PinLater's IDL uses: namespaces, string/number
 * constants, enums with explicit values, structs and exceptions with field ids, requiredness and
 * defaults, and one or more services (no `extends`, no typedefs, no includes). Anything else is a
 * parse error, so an IDL change the codec does not understand fails codegen instead of being
 * silently ignored.
 */
export function parseThriftIdl(text: string): IdlSchema {
  return new IdlParser(tokenize(text)).parseDocument();
}

type Token = { kind: 'ident' | 'number' | 'string' | 'symbol'; text: string; line: number };

const BASE_TYPES: ReadonlySet<string> = new Set(['bool', 'byte', 'i8', 'i16', 'i32', 'i64', 'double', 'string', 'binary']);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|\/\/[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(-?\d+\.\d+(?:[eE][+-]?\d+)?|-?0x[0-9a-fA-F]+|-?\d+)|([A-Za-z_][\w.]*)|([{}()<>,;:=\[\]])/y;
  let line = 1;
  while (re.lastIndex < text.length) {
    const start = re.lastIndex;
    const m = re.exec(text);
    if (!m) throw new Error(`IDL line ${line}: unexpected character ${JSON.stringify(text[start])}`);
    if (m[1] !== undefined || m[2] !== undefined) tokens.push({ kind: 'string', text: unescape(m[1] ?? m[2] ?? ''), line });
    else if (m[3] !== undefined) tokens.push({ kind: 'number', text: m[3], line });
    else if (m[4] !== undefined) tokens.push({ kind: 'ident', text: m[4], line });
    else if (m[5] !== undefined) tokens.push({ kind: 'symbol', text: m[5], line });
    line += (m[0].match(/\n/g) ?? []).length;
  }
  return tokens;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c);
}

class IdlParser {
  private pos = 0;
  private readonly enums: Record<string, Record<string, number>> = {};
  private readonly consts: Record<string, ConstValue> = {};
  private readonly structs: Record<string, StructDef> = {};
  private readonly services: Record<string, MethodDef[]> = {};

  constructor(private readonly tokens: Token[]) {}

  parseDocument(): IdlSchema {
    while (this.peek()) this.parseDefinition();
    this.checkReferences();
    return { enums: this.enums, consts: this.consts, structs: this.structs, services: this.services };
  }

  private parseDefinition(): void {
    const keyword = this.expectKind('ident').text;
    switch (keyword) {
      case 'namespace':
        this.expectKind('ident');
        this.expectKind('ident');
        return;
      case 'const':
        return this.parseConst();
      case 'enum':
        return this.parseEnum();
      case 'struct':
      case 'exception':
        return this.parseStruct(keyword);
      case 'service':
        return this.parseService();
      default:
        throw this.error(`unsupported definition '${keyword}'`);
    }
  }

  private parseConst(): void {
    this.parseType();
    const name = this.expectKind('ident').text;
    this.expect('=');
    this.consts[name] = this.parseConstValue();
    this.optionalSeparator();
  }

  private parseEnum(): void {
    const name = this.expectKind('ident').text;
    const values: Record<string, number> = {};
    this.expect('{');
    while (!this.accept('}')) {
      const member = this.expectKind('ident').text;
      this.expect('=');
      values[member] = Number(this.expectKind('number').text);
      this.optionalSeparator();
    }
    this.enums[name] = values;
  }

  private parseStruct(kind: 'struct' | 'exception'): void {
    const name = this.expectKind('ident').text;
    this.expect('{');
    const fields: FieldDef[] = [];
    while (!this.accept('}')) fields.push(this.parseField('default'));
    this.checkUniqueIds(name, fields);
    this.structs[name] = { name, kind, fields };
  }

  private parseField(fallback: Requiredness): FieldDef {
    const id = Number(this.expectKind('number').text);
    this.expect(':');
    let requiredness = fallback;
    const next = this.peek();
    if (next?.text === 'required' || next?.text === 'optional') {
      requiredness = next.text;
      this.pos++;
    }
    const type = this.parseType();
    const name = this.expectKind('ident').text;
    let defaultValue: ConstValue | undefined;
    if (this.accept('=')) defaultValue = this.parseConstValue();
    this.optionalSeparator();
    if (!Number.isInteger(id) || id <= 0 || id > 32767) throw this.error(`field ${name}: invalid id ${id}`);
    return defaultValue === undefined ? { id, name, requiredness, type } : { id, name, requiredness, type, defaultValue };
  }

  private parseService(): void {
    const name = this.expectKind('ident').text;
    if (this.peek()?.text === 'extends') throw this.error('service extends is not supported');
    this.expect('{');
    const methods: MethodDef[] = [];
    while (!this.accept('}')) methods.push(this.parseMethod());
    this.services[name] = methods;
  }

  private parseMethod(): MethodDef {
    const oneway = this.peek()?.text === 'oneway';
    if (oneway) this.pos++;
    const returns = this.peek()?.text === 'void' ? (this.pos++, 'void' as const) : this.parseType();
    const name = this.expectKind('ident').text;
    const args = this.parseFieldList();
    let throws: FieldDef[] = [];
    if (this.peek()?.text === 'throws') {
      this.pos++;
      throws = this.parseFieldList();
    }
    this.optionalSeparator();
    this.checkUniqueIds(name, args);
    return { name, returns, oneway, args, throws };
  }

  private parseFieldList(): FieldDef[] {
    this.expect('(');
    const fields: FieldDef[] = [];
    while (!this.accept(')')) fields.push(this.parseField('default'));
    return fields;
  }

  private parseType(): TypeRef {
    const name = this.expectKind('ident').text;
    if (name === 'list' || name === 'set') {
      this.expect('<');
      const elem = this.parseType();
      this.expect('>');
      return { kind: name, elem };
    }
    if (name === 'map') {
      this.expect('<');
      const key = this.parseType();
      this.expect(',');
      const value = this.parseType();
      this.expect('>');
      return { kind: 'map', key, value };
    }
    if (BASE_TYPES.has(name)) return { kind: 'base', name: (name === 'i8' ? 'byte' : name) as BaseTypeName };
    // Resolved to enum or struct once the whole document is known (see checkReferences).
    return { kind: 'struct', name };
  }

  private parseConstValue(): ConstValue {
    const t = this.next();
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    throw this.error(`unsupported constant ${t.text}`);
  }

  /** Named types were parsed as structs; turn enum names into enum refs and reject unknown names. */
  private checkReferences(): void {
    const resolve = (type: TypeRef): TypeRef => {
      switch (type.kind) {
        case 'struct':
          if (this.enums[type.name]) return { kind: 'enum', name: type.name };
          if (!this.structs[type.name]) throw new Error(`IDL: unknown type '${type.name}'`);
          return type;
        case 'list':
        case 'set':
          return { kind: type.kind, elem: resolve(type.elem) };
        case 'map':
          return { kind: 'map', key: resolve(type.key), value: resolve(type.value) };
        default:
          return type;
      }
    };
    const fix = (f: FieldDef): FieldDef => ({ ...f, type: resolve(f.type) });
    for (const [name, s] of Object.entries(this.structs)) this.structs[name] = { ...s, fields: s.fields.map(fix) };
    for (const [name, methods] of Object.entries(this.services)) {
      this.services[name] = methods.map((m) => ({
        ...m,
        returns: m.returns === 'void' ? 'void' : resolve(m.returns),
        args: m.args.map(fix),
        throws: m.throws.map(fix),
      }));
    }
  }

  private checkUniqueIds(owner: string, fields: FieldDef[]): void {
    const ids = new Set<number>();
    for (const f of fields) {
      if (ids.has(f.id)) throw new Error(`IDL: duplicate field id ${f.id} in ${owner}`);
      ids.add(f.id);
    }
  }

  private optionalSeparator(): void {
    if (!this.accept(',')) this.accept(';');
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.tokens[this.pos++];
    if (!t) throw new Error('IDL: unexpected end of file');
    return t;
  }

  private accept(symbol: string): boolean {
    const t = this.peek();
    if (t?.kind === 'symbol' && t.text === symbol) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(symbol: string): void {
    if (!this.accept(symbol)) throw this.error(`expected '${symbol}'`);
  }

  private expectKind(kind: Token['kind']): Token {
    const t = this.next();
    if (t.kind !== kind) throw new Error(`IDL line ${t.line}: expected ${kind}, got '${t.text}'`);
    return t;
  }

  private error(message: string): Error {
    return new Error(`IDL line ${this.peek()?.line ?? 'EOF'}: ${message}`);
  }
}
