import { normalizeSql, splitSqlStatements } from './sql-text';

describe('SQL text as MySQL runs it', () => {
  it('drops comment lines and joins the statement into one line', () => {
    expect(normalizeSql('-- header\n-- more\nSELECT 1\n  FROM t\n')).toBe('SELECT 1 FROM t');
  });

  it('cuts a line comment where it starts, so joining lines cannot comment out the rest', () => {
    expect(normalizeSql('SELECT a -- the first column\n  , b # and the second\nFROM t')).toBe('SELECT a , b FROM t');
    expect(normalizeSql('SELECT 1 --\nFROM t')).toBe('SELECT 1 FROM t');
  });

  it('makes every run of whitespace one space, but leaves quoted text alone', () => {
    expect(normalizeSql("SELECT  'a  -- b;\n c' ,\t\"x # y\" ,  `we``ird  name`\n  FROM t")).toBe(
      "SELECT 'a  -- b;\n c' , \"x # y\" , `we``ird  name` FROM t",
    );
    expect(normalizeSql("SELECT 'it''s -- x', 'back\\'slash -- y' FROM t")).toBe("SELECT 'it''s -- x', 'back\\'slash -- y' FROM t");
  });

  it('keeps /* */ comments verbatim (optimizer hints live there)', () => {
    expect(normalizeSql('SELECT /*+ MAX_EXECUTION_TIME(5) */  id\nFROM t /* it\'s -- kept */')).toBe(
      "SELECT /*+ MAX_EXECUTION_TIME(5) */ id FROM t /* it's -- kept */",
    );
  });

  it('reads `--` without a following space as two minus signs, as MySQL does', () => {
    expect(normalizeSql('SELECT 5--1')).toBe('SELECT 5--1');
  });

  it('splits a migration into its statements, ignoring `;` in comments and literals', () => {
    const text = '-- a migration; with a header\nCREATE TABLE a (x INT);\n\n-- next; one\nINSERT INTO a VALUES (\';\');\n  ;\nDROP TABLE b';
    expect(splitSqlStatements(text)).toEqual(['CREATE TABLE a (x INT)', "INSERT INTO a VALUES (';')", 'DROP TABLE b']);
  });
});
