/**
 * Every place the product code raises an error a PinLater client can read (scripts/
 * docs-errors-reference.spec.ts checks runbooks/gateway-errors-reference.md against them): a
 * `new` of PinLaterError or one of its subclasses (→ PinLaterException{code, message}), of
 * InternalError (→ TApplicationException INTERNAL_ERROR), of the decoder's ProtocolError
 * (→ PROTOCOL_ERROR), of the semaphore's rejection (→ UNKNOWN), and the RPC processor's own
 * application exceptions. Read from the TypeScript syntax tree, not by regex.
 *
 * A message becomes a template: its literal text with holes where values go (`Queue not found:
 * ${name}` → ['Queue not found: ', HOLE]). Constants and one-`return` helper functions of the same
 * file are followed; anything else is a hole. `code` is the wire code's name, or `undefined` when
 * the code is not written at the site (a forwarded error).
 */
import ts from 'typescript';

export const HOLE = '\u0000';

export interface ErrorSite {
  readonly file: string;
  readonly line: number;
  /** The constructor (or `exception` for the RPC processor's own replies). */
  readonly raiser: string;
  /** PinLater ErrorCode name, or TApplicationException type name; undefined when not written at the site. */
  readonly code: string | undefined;
  /** The message's literal parts and holes (HOLE); the client's text has this shape. */
  readonly template: readonly string[];
}

interface Raiser {
  /** The code, or the index of the argument holding `ErrorCode.X` / `ApplicationExceptionType.X`. */
  readonly code: string | number;
  /** Index of the message argument. */
  readonly message: number;
  /** The message when the argument is absent (the class's default). */
  readonly defaultMessage?: string;
  /** Text the client sees around the message (the Java-style class name a JS error carries). */
  readonly prefix?: string;
}

/** Every constructor whose instances reach a client with a message, and where its code and message are. */
export const RAISERS: Readonly<Record<string, Raiser>> = {
  PinLaterError: { code: 0, message: 1 },
  QueueNotFoundError: { code: 'QUEUE_NOT_FOUND', message: 0 },
  ShardConnectionError: { code: 'SHARD_CONNECTION_FAILED', message: 0 },
  NoHealthyShardsError: { code: 'NO_HEALTHY_SHARDS', message: 0, defaultMessage: 'Unable to find healthy shard' },
  BudgetExceededError: { code: 'UNKNOWN', message: 0 },
  MysqlStoreError: { code: 'UNKNOWN', message: 1 },
  /** Its message is built from the driver's code (mysql-errors.ts `clientMessage`). */
  PacerDatastoreError: { code: 'UNKNOWN', message: 99 },
  InternalError: { code: 'INTERNAL_ERROR', message: 0 },
  ProtocolError: { code: 'PROTOCOL_ERROR', message: 1 },
  SemaphoreRejectedError: { code: 'UNKNOWN', message: 0, defaultMessage: 'Max waiters exceeded', prefix: 'java.util.concurrent.RejectedExecutionException: ' },
};

/** The raise sites of one source file. */
export function errorSites(file: string, source: string): ErrorSite[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const scope = new FileScope(sf);
  const out: ErrorSite[] = [];
  const visit = (node: ts.Node): void => {
    const site = ts.isNewExpression(node) ? newSite(node, scope) : ts.isCallExpression(node) ? exceptionReplySite(node, scope) : undefined;
    if (site !== undefined) out.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, ...site });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

type SiteBody = Omit<ErrorSite, 'file' | 'line'>;

function newSite(node: ts.NewExpression, scope: FileScope): SiteBody | undefined {
  if (!ts.isIdentifier(node.expression)) return undefined;
  const raiser = RAISERS[node.expression.text];
  if (raiser === undefined) return undefined;
  const args = node.arguments ?? [];
  const code = typeof raiser.code === 'string' ? raiser.code : enumMember(args[raiser.code]);
  const arg = args[raiser.message];
  const message = arg === undefined ? (raiser.defaultMessage === undefined ? [HOLE] : [raiser.defaultMessage]) : scope.template(arg);
  return { raiser: node.expression.text, code, template: raiser.prefix === undefined ? message : joinParts([raiser.prefix], message) };
}

/** `this.exception(header, ttwitter, ApplicationExceptionType.X, message)` in the RPC processor. */
function exceptionReplySite(node: ts.CallExpression, scope: FileScope): SiteBody | undefined {
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'exception' || callee.expression.kind !== ts.SyntaxKind.ThisKeyword) return undefined;
  const code = enumMember(node.arguments[2]);
  const message = node.arguments[3];
  if (message === undefined || !isEnumAccess(node.arguments[2], 'ApplicationExceptionType')) return undefined;
  return { raiser: 'exception', code, template: scope.template(message) };
}

function isEnumAccess(node: ts.Node | undefined, enumName: string): boolean {
  return node !== undefined && ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === enumName;
}

/** `ErrorCode.X` / `ApplicationExceptionType.X` → 'X'; anything else (a forwarded code) → undefined. */
function enumMember(node: ts.Node | undefined): string | undefined {
  if (node === undefined || !ts.isPropertyAccessExpression(node) || !ts.isIdentifier(node.expression)) return undefined;
  return ['ErrorCode', 'ApplicationExceptionType', 'ProtocolErrorType'].includes(node.expression.text) ? node.name.text : undefined;
}

/** Adjacent literals merged, adjacent holes merged. */
function joinParts(...lists: ReadonlyArray<readonly string[]>): string[] {
  const out: string[] = [];
  for (const part of lists.flat()) {
    const last = out[out.length - 1];
    if (part === HOLE && last === HOLE) continue;
    if (part !== HOLE && last !== undefined && last !== HOLE) out[out.length - 1] = last + part;
    else if (part !== '') out.push(part);
  }
  return out;
}

/** The file's top-level string constants and one-`return` functions, to follow a message built from them. */
class FileScope {
  private readonly constants = new Map<string, ts.Expression>();
  private readonly functions = new Map<string, ts.FunctionDeclaration>();

  constructor(sf: ts.SourceFile) {
    for (const statement of sf.statements) {
      if (ts.isFunctionDeclaration(statement) && statement.name !== undefined) this.functions.set(statement.name.text, statement);
      if (!ts.isVariableStatement(statement)) continue;
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer !== undefined && (statement.declarationList.flags & ts.NodeFlags.Const) !== 0) this.constants.set(d.name.text, d.initializer);
      }
    }
  }

  template(node: ts.Expression, depth = 0): string[] {
    if (depth > 4) return [HOLE];
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
    if (ts.isParenthesizedExpression(node)) return this.template(node.expression, depth);
    if (ts.isTemplateExpression(node)) {
      return joinParts([node.head.text], ...node.templateSpans.map((s) => joinParts(this.template(s.expression, depth + 1), [s.literal.text])));
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      return joinParts(this.template(node.left, depth + 1), this.template(node.right, depth + 1));
    }
    if (ts.isIdentifier(node)) {
      const value = this.constants.get(node.text);
      return value !== undefined && isStringy(value) ? this.template(value, depth + 1) : [HOLE];
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) return this.called(node, depth);
    return [HOLE];
  }

  /** A call of a same-file function whose body is one `return <message>`: its template, the argument's for a parameter returned as is. */
  private called(node: ts.CallExpression, depth: number): string[] {
    const fn = this.functions.get((node.expression as ts.Identifier).text);
    const body = fn?.body?.statements;
    const only = body?.length === 1 ? body[0] : undefined;
    if (fn === undefined || only === undefined || !ts.isReturnStatement(only) || only.expression === undefined) return [HOLE];
    const params = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
    const returned = only.expression;
    if (ts.isTemplateExpression(returned)) {
      return joinParts([returned.head.text], ...returned.templateSpans.map((s) => {
        const i = ts.isIdentifier(s.expression) ? params.indexOf(s.expression.text) : -1;
        const arg = i >= 0 ? node.arguments[i] : undefined;
        return joinParts(arg === undefined ? [HOLE] : this.template(arg, depth + 1), [s.literal.text]);
      }));
    }
    return this.template(returned, depth + 1);
  }
}

function isStringy(node: ts.Expression): boolean {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node) || ts.isBinaryExpression(node);
}
