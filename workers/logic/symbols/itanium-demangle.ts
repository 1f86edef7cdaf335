/**
 * Itanium C++ ABI demangler (the scheme g++ and clang use on Linux), written from
 * the ABI's mangling grammar. Its output follows GNU c++filt / gdb spelling
 * (`std::vector<int, std::allocator<int> >`, return types of template
 * functions, `[abi:cxx11]`, reference collapsing, `[clone .cold]`), because the
 * reference answers (malloc_tracer's gdb plugin, chap) print names that way.
 *
 * It covers what programs' function, vtable and typeinfo symbols use: nested
 * and local names, templates and argument packs, substitutions, function,
 * array and pointer-to-member types, operators, literals and special names.
 * Expressions inside types (`decltype(…)`, `X…E`) are not decoded: those names
 * throw `Unsupported` and `demangle.ts` falls back to another demangler.
 */

export class Unsupported extends Error {}

type Node =
  | { k: 'name'; s: string }
  | { k: 'ptr' | 'lref' | 'rref'; t: Node }
  | { k: 'cv'; q: string; t: Node }
  | { k: 'func'; ret: Node | null; params: Node[]; q: string }
  | { k: 'array'; dim: string; t: Node }
  | { k: 'ptrmem'; cls: Node; t: Node }
  | { k: 'pack'; items: Node[] }
  | { k: 'expand'; t: Node };

const BUILTIN: Record<string, string> = {
  v: 'void', w: 'wchar_t', b: 'bool', c: 'char', a: 'signed char', h: 'unsigned char',
  s: 'short', t: 'unsigned short', i: 'int', j: 'unsigned int', l: 'long', m: 'unsigned long',
  x: 'long long', y: 'unsigned long long', n: '__int128', o: 'unsigned __int128', f: 'float',
  d: 'double', e: 'long double', g: '__float128', z: '...',
};
const BUILTIN_D: Record<string, string> = {
  n: 'decltype(nullptr)', i: 'char32_t', s: 'char16_t', u: 'char8_t', a: 'auto', c: 'decltype(auto)',
  d: 'decimal64', e: 'decimal128', f: 'decimal32', h: 'half',
};
const OPERATORS: Record<string, string> = {
  nw: ' new', na: ' new[]', dl: ' delete', da: ' delete[]', ps: '+', ng: '-', ad: '&', de: '*',
  co: '~', pl: '+', mi: '-', ml: '*', dv: '/', rm: '%', an: '&', or: '|', eo: '^', aS: '=',
  pL: '+=', mI: '-=', mL: '*=', dV: '/=', rM: '%=', aN: '&=', oR: '|=', eO: '^=', ls: '<<',
  rs: '>>', lS: '<<=', rS: '>>=', eq: '==', ne: '!=', lt: '<', gt: '>', le: '<=', ge: '>=',
  ss: '<=>', nt: '!', aa: '&&', oo: '||', pp: '++', mm: '--', cm: ',', pm: '->*', pt: '->',
  cl: '()', ix: '[]', qu: '?', aw: ' co_await',
};
const STD_SUBS: Record<string, string> = {
  a: 'std::allocator', b: 'std::basic_string',
  s: 'std::string', i: 'std::istream', o: 'std::ostream', d: 'std::iostream',
};
/** What c++filt prints for these abbreviations when they prefix a nested name. */
const STD_SUBS_FULL: Record<string, string> = {
  s: 'std::basic_string<char, std::char_traits<char>, std::allocator<char> >',
  i: 'std::basic_istream<char, std::char_traits<char> >',
  o: 'std::basic_ostream<char, std::char_traits<char> >',
  d: 'std::basic_iostream<char, std::char_traits<char> >',
};
const LITERAL_SUFFIX: Record<string, string> = { i: '', j: 'u', l: 'l', m: 'ul', x: 'll', y: 'ull' };

/** Result of parsing a name: its text, plus facts the encoding needs. */
interface NameInfo {
  text: string;
  /** Template arguments of the final component, when it is a template. */
  templated: boolean;
  /** Constructor, destructor or conversion operator: no return type printed. */
  noReturn: boolean;
  /** Method qualifiers (` const`, ` &&`) from a nested name. */
  quals: string;
}

class Parser {
  pos = 0;
  subs: Node[] = [];
  templateArgs: Node[] = [];
  constructor(readonly s: string) {}

  peek(n = 0): string {
    return this.s[this.pos + n] ?? '';
  }
  eat(c: string): boolean {
    if (this.s.startsWith(c, this.pos)) {
      this.pos += c.length;
      return true;
    }
    return false;
  }
  expect(c: string): void {
    if (!this.eat(c)) throw new Unsupported(`expected ${c} at ${this.pos}`);
  }
  number(): number {
    let neg = false;
    if (this.eat('n')) neg = true;
    const start = this.pos;
    while (this.peek() >= '0' && this.peek() <= '9') this.pos++;
    if (start === this.pos) throw new Unsupported('number expected');
    const v = Number(this.s.slice(start, this.pos));
    return neg ? -v : v;
  }
  /** <seq-id> _ : S_ is 0, S0_ is 1, SA_ is 11… */
  seqId(): number {
    if (this.eat('_')) return 0;
    let v = 0;
    for (;;) {
      const c = this.peek();
      if (c === '_') break;
      const d = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c >= 'A' && c <= 'Z' ? c.charCodeAt(0) - 55 : -1;
      if (d < 0) throw new Unsupported('bad seq-id');
      v = v * 36 + d;
      this.pos++;
    }
    this.pos++;
    return v + 1;
  }

  // ---- encodings -------------------------------------------------------

  encoding(): string {
    const saved = this.templateArgs;
    const name = this.name();
    if (this.pos >= this.s.length || this.peek() === 'E' || this.peek() === '.') {
      this.templateArgs = saved;
      return name.text;
    }
    let ret: Node | null = null;
    if (name.templated && !name.noReturn) ret = this.type();
    const params = this.bareParams();
    this.templateArgs = saved;
    const p = `(${params.map((t) => print(t)).filter((x) => x !== '').join(', ')})${name.quals}`;
    return ret ? `${print(ret)} ${name.text}${p}` : `${name.text}${p}`;
  }

  bareParams(): Node[] {
    const out: Node[] = [];
    while (this.pos < this.s.length && this.peek() !== 'E' && this.peek() !== '.') out.push(this.type());
    if (out.length === 1 && out[0].k === 'name' && out[0].s === 'void') return [];
    return out;
  }

  special(): string {
    const two = this.s.slice(this.pos, this.pos + 2);
    const table: Record<string, string> = {
      TV: 'vtable for ', TT: 'VTT for ', TI: 'typeinfo for ', TS: 'typeinfo name for ',
    };
    if (table[two]) {
      this.pos += 2;
      return table[two] + print(this.type());
    }
    if (this.eat('GV')) return 'guard variable for ' + this.name().text;
    if (this.eat('GR')) {
      const n = this.name().text;
      while (this.peek() !== '_' && this.pos < this.s.length) this.pos++;
      this.eat('_');
      return 'reference temporary for ' + n;
    }
    if (this.eat('TH')) return 'TLS init function for ' + this.name().text;
    if (this.eat('TW')) return 'TLS wrapper function for ' + this.name().text;
    if (this.eat('Th')) {
      this.number();
      this.expect('_');
      return 'non-virtual thunk to ' + this.encoding();
    }
    if (this.eat('Tv')) {
      this.number();
      this.expect('_');
      this.number();
      this.expect('_');
      return 'virtual thunk to ' + this.encoding();
    }
    if (this.eat('Tc')) throw new Unsupported('covariant thunk');
    return '';
  }

  // ---- names -----------------------------------------------------------

  name(): NameInfo {
    const c = this.peek();
    if (c === 'N') return this.nested();
    if (c === 'Z') return this.local();
    let text: string;
    let isSub = false;
    if (c === 'S' && this.peek(1) === 't') {
      this.pos += 2;
      text = 'std::' + this.unqualified('').text;
    } else if (c === 'S') {
      text = print(this.substitution());
      isSub = true;
    } else {
      const u = this.unqualified('');
      if (this.peek() !== 'I') return { text: u.text, templated: false, noReturn: u.noReturn, quals: '' };
      text = u.text;
    }
    if (this.peek() === 'I') {
      if (!isSub) this.subs.push({ k: 'name', s: text });
      const args = this.templateArgList();
      this.templateArgs = args;
      return { text: text + (text.endsWith('<') ? ' ' : '') + printArgs(args), templated: true, noReturn: false, quals: '' };
    }
    return { text, templated: false, noReturn: false, quals: '' };
  }

  local(): NameInfo {
    this.expect('Z');
    const saved = this.templateArgs;
    const enc = this.encoding();
    this.templateArgs = saved;
    this.expect('E');
    if (this.eat('s')) {
      this.discriminator();
      return { text: enc + '::string literal', templated: false, noReturn: false, quals: '' };
    }
    if (this.eat('d')) {
      if (this.peek() !== '_') this.number();
      this.expect('_');
    }
    const n = this.name();
    this.discriminator();
    return { ...n, text: enc + '::' + n.text };
  }

  discriminator(): void {
    if (this.peek() !== '_') return;
    if (this.eat('__')) {
      this.number();
      this.expect('_');
    } else {
      this.pos++;
      this.number();
    }
  }

  nested(): NameInfo {
    this.expect('N');
    let quals = '';
    for (;;) {
      if (this.eat('r')) quals += ' restrict';
      else if (this.eat('V')) quals += ' volatile';
      else if (this.eat('K')) quals += ' const';
      else break;
    }
    // c++filt prints const before volatile before restrict.
    quals = [' const', ' volatile', ' restrict'].filter((q) => quals.includes(q)).join('');
    if (this.eat('R')) quals += ' &';
    else if (this.eat('O')) quals += ' &&';
    let text = '';
    let last = '';
    let templated = false;
    let noReturn = false;
    for (;;) {
      const c = this.peek();
      if (c === 'E') {
        this.pos++;
        break;
      }
      if (c === '') throw new Unsupported('unterminated nested name');
      let addSub = true;
      if (c === 'S' && this.peek(1) === 't') {
        this.pos += 2;
        text = 'std';
        continue;
      } else if (c === 'S') {
        // gdb (no DMGL_VERBOSE) spells these out only before a constructor or destructor.
        const full = /[CD]/.test(this.peek(2)) ? STD_SUBS_FULL[this.peek(1)] : undefined;
        if (full !== undefined) this.pos += 2;
        text = full ?? print(this.substitution());
        last = lastComponent(text);
        addSub = false;
        templated = false;
      } else if (c === 'T') {
        text = print(this.templateParam());
        last = lastComponent(text);
        templated = false;
      } else if (c === 'I') {
        if (!text) throw new Unsupported('template args without name');
        const args = this.templateArgList();
        this.templateArgs = args;
        text += (text.endsWith('<') ? ' ' : '') + printArgs(args);
        templated = true;
        noReturn = false;
      } else if (c === 'D' && (this.peek(1) === 't' || this.peek(1) === 'T')) {
        throw new Unsupported('decltype');
      } else if (c === 'M') {
        this.pos++; // data-member-prefix (lambda in initializer): no candidate of its own
        continue;
      } else {
        const u = this.unqualified(last);
        last = u.plain;
        text = text ? text + '::' + u.text : u.text;
        templated = false;
        noReturn = u.noReturn;
      }
      if (addSub && this.peek() !== 'E') this.subs.push({ k: 'name', s: text });
    }
    return { text, templated, noReturn, quals };
  }

  /** <unqualified-name>; `enclosing` is the previous component, for constructors. */
  unqualified(enclosing: string): { text: string; plain: string; noReturn: boolean } {
    const c = this.peek();
    let text: string;
    let noReturn = false;
    if (c >= '0' && c <= '9') {
      text = this.sourceName();
    } else if (c === 'C' && /[1-5I]/.test(this.peek(1))) {
      this.pos += 1;
      if (this.eat('I')) throw new Unsupported('inheriting constructor');
      this.pos += 1;
      text = baseName(enclosing);
      noReturn = true;
    } else if (c === 'D' && /[0-5]/.test(this.peek(1))) {
      this.pos += 2;
      text = '~' + baseName(enclosing);
      noReturn = true;
    } else if (c === 'U' && this.peek(1) === 't') {
      this.pos += 2;
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
      text = `{unnamed type#${n}}`;
    } else if (c === 'U' && this.peek(1) === 'l') {
      this.pos += 2;
      const params = this.bareParams();
      this.expect('E');
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
      text = `{lambda(${params.map((t) => print(t)).join(', ')})#${n}}`;
    } else if (c === 'L') {
      this.pos++;
      text = this.sourceName();
      this.discriminator();
    } else if (c === 'c' && this.peek(1) === 'v') {
      this.pos += 2;
      text = 'operator ' + print(this.type());
      noReturn = true;
    } else if (c === 'l' && this.peek(1) === 'i') {
      this.pos += 2;
      text = 'operator"" ' + this.sourceName();
    } else if (c === 'v' && this.peek(1) >= '0' && this.peek(1) <= '9') {
      this.pos += 2;
      text = 'operator ' + this.sourceName();
    } else {
      const op = OPERATORS[this.s.slice(this.pos, this.pos + 2)];
      if (op === undefined) throw new Unsupported(`unknown name at ${this.pos}`);
      this.pos += 2;
      text = 'operator' + op;
    }
    const plain = text;
    while (this.peek() === 'B') {
      this.pos++;
      text += `[abi:${this.sourceName()}]`;
    }
    return { text, plain, noReturn };
  }

  sourceName(): string {
    const n = this.number();
    if (n <= 0 || this.pos + n > this.s.length) throw new Unsupported('bad source name');
    const id = this.s.slice(this.pos, this.pos + n);
    this.pos += n;
    return id.startsWith('_GLOBAL__N') ? '(anonymous namespace)' : id;
  }

  substitution(): Node {
    this.expect('S');
    const c = this.peek();
    if (c && STD_SUBS[c] !== undefined && !(c >= '0' && c <= '9')) {
      this.pos++;
      return { k: 'name', s: STD_SUBS[c] };
    }
    const id = this.seqId();
    const node = this.subs[id];
    if (!node) throw new Unsupported('substitution out of range');
    return node;
  }

  templateParam(): Node {
    this.expect('T');
    const id = this.seqId();
    const arg = this.templateArgs[id];
    if (!arg) throw new Unsupported('template parameter out of range');
    return arg;
  }

  templateArgList(): Node[] {
    this.expect('I');
    const args: Node[] = [];
    while (!this.eat('E')) {
      if (this.pos >= this.s.length) throw new Unsupported('unterminated template args');
      args.push(this.templateArg());
    }
    return args;
  }

  templateArg(): Node {
    const c = this.peek();
    if (c === 'L') return this.literal();
    if (c === 'X') throw new Unsupported('expression');
    if (c === 'J') {
      this.pos++;
      const items: Node[] = [];
      while (!this.eat('E')) {
        if (this.pos >= this.s.length) throw new Unsupported('unterminated pack');
        items.push(this.templateArg());
      }
      return { k: 'pack', items };
    }
    return this.type();
  }

  literal(): Node {
    this.expect('L');
    if (this.eat('_Z')) {
      const e = this.encoding();
      this.expect('E');
      return { k: 'name', s: e };
    }
    const t = this.type();
    const tn = t.k === 'name' ? t.s : '';
    let neg = false;
    if (this.eat('n')) neg = true;
    const start = this.pos;
    while (this.peek() !== 'E' && this.pos < this.s.length) this.pos++;
    const value = this.s.slice(start, this.pos);
    this.expect('E');
    const code = Object.keys(BUILTIN).find((k) => BUILTIN[k] === tn);
    if (tn === 'bool' && (value === '0' || value === '1')) return { k: 'name', s: value === '1' ? 'true' : 'false' };
    if (code !== undefined && LITERAL_SUFFIX[code] !== undefined) return { k: 'name', s: (neg ? '-' : '') + value + LITERAL_SUFFIX[code] };
    return { k: 'name', s: `(${print(t)})${neg ? '-' : ''}${value}` };
  }

  // ---- types -----------------------------------------------------------

  type(): Node {
    const c = this.peek();
    const b = BUILTIN[c];
    if (b !== undefined) {
      this.pos++;
      return { k: 'name', s: b };
    }
    let node: Node;
    switch (c) {
      case 'u':
        this.pos++;
        node = { k: 'name', s: this.sourceName() };
        break;
      case 'D': {
        const d = BUILTIN_D[this.peek(1)];
        if (d !== undefined) {
          this.pos += 2;
          return { k: 'name', s: d };
        }
        if (this.peek(1) === 'p') {
          this.pos += 2;
          node = { k: 'expand', t: this.type() };
          break;
        }
        if (this.peek(1) === 'F') {
          this.pos += 2;
          const bits = this.number();
          const x = this.eat('x');
          this.expect('_');
          return { k: 'name', s: `_Float${bits}${x ? 'x' : ''}` };
        }
        if (this.peek(1) === 'v') throw new Unsupported('vector type');
        if (this.peek(1) === 'x' || this.peek(1) === 'o' || this.peek(1) === 'O' || this.peek(1) === 'w') {
          throw new Unsupported('exception spec');
        }
        throw new Unsupported('decltype');
      }
      case 'r':
      case 'V':
      case 'K': {
        let q = '';
        for (;;) {
          if (this.eat('r')) q += ' restrict';
          else if (this.eat('V')) q += ' volatile';
          else if (this.eat('K')) q += ' const';
          else break;
        }
        q = [' const', ' volatile', ' restrict'].filter((x) => q.includes(x)).join('');
        const inner = this.type();
        node = inner.k === 'func' ? { ...inner, q: inner.q + q } : { k: 'cv', q, t: inner };
        break;
      }
      case 'P':
        this.pos++;
        node = { k: 'ptr', t: this.type() };
        break;
      case 'R':
        this.pos++;
        node = { k: 'lref', t: this.type() };
        break;
      case 'O':
        this.pos++;
        node = { k: 'rref', t: this.type() };
        break;
      case 'F': {
        this.pos++;
        this.eat('Y');
        const ret = this.type();
        const params = this.bareParams();
        let q = '';
        if (this.eat('R')) q = ' &';
        else if (this.eat('O')) q = ' &&';
        this.expect('E');
        node = { k: 'func', ret, params, q };
        break;
      }
      case 'A': {
        this.pos++;
        let dim = '';
        if (this.peek() >= '0' && this.peek() <= '9') dim = String(this.number());
        else if (this.peek() !== '_') throw new Unsupported('array dimension expression');
        this.expect('_');
        node = { k: 'array', dim, t: this.type() };
        break;
      }
      case 'M': {
        this.pos++;
        const cls = this.type();
        node = { k: 'ptrmem', cls, t: this.type() };
        break;
      }
      case 'T': {
        node = this.templateParam();
        if (this.peek() === 'I') {
          this.subs.push(node);
          const args = this.templateArgList();
          node = { k: 'name', s: print(node) + printArgs(args) };
        }
        break;
      }
      case 'S': {
        if (this.peek(1) === 't') {
          const saved = this.templateArgs;
          const n = this.name();
          this.templateArgs = saved;
          node = { k: 'name', s: n.text };
          break;
        }
        const sub = this.substitution();
        if (this.peek() === 'I') {
          const args = this.templateArgList();
          node = { k: 'name', s: print(sub) + printArgs(args) };
          break;
        }
        return sub; // a substitution is not a new candidate
      }
      case 'N':
      case 'Z':
      default: {
        if (c === 'N' || c === 'Z' || (c >= '0' && c <= '9')) {
          const saved = this.templateArgs;
          const n = this.name();
          this.templateArgs = saved;
          node = { k: 'name', s: n.text };
          break;
        }
        throw new Unsupported(`unknown type at ${this.pos}`);
      }
    }
    this.subs.push(node);
    return node;
  }
}

/** The last `::` component of a qualified name, template arguments included. */
function lastComponent(text: string): string {
  let depth = 0;
  for (let i = text.length - 1; i > 0; i--) {
    const ch = text[i];
    if (ch === '>' || ch === ')') depth++;
    else if (ch === '<' || ch === '(') depth--;
    else if (depth === 0 && ch === ':' && text[i - 1] === ':') return text.slice(i + 1);
  }
  return text;
}

function baseName(enclosing: string): string {
  const lt = enclosing.indexOf('<');
  return lt >= 0 ? enclosing.slice(0, lt) : enclosing;
}

function printArgs(args: Node[]): string {
  const parts: string[] = [];
  for (const a of args) {
    if (a.k === 'pack') parts.push(...a.items.map((t) => print(t)));
    else parts.push(print(a));
  }
  const inner = parts.filter((x) => x !== '').join(', ');
  // c++filt separates `> >`, judging by the last argument (an empty pack prints nothing and ends with no `>`).
  const last = args[args.length - 1];
  const space = inner.endsWith('>') && !(last && last.k === 'pack' && last.items.length === 0);
  return `<${inner}${space ? ' ' : ''}>`;
}

/** Replaces the first argument pack inside `t` by its `i`th element. */
function firstPack(t: Node): Node | null {
  switch (t.k) {
    case 'pack':
      return t;
    case 'ptr':
    case 'lref':
    case 'rref':
    case 'cv':
    case 'array':
      return firstPack(t.t);
    case 'ptrmem':
      return firstPack(t.cls) ?? firstPack(t.t);
    case 'func':
      return (t.ret && firstPack(t.ret)) ?? t.params.map(firstPack).find((p) => p) ?? null;
    default:
      return null;
  }
}

function replacePack(t: Node, pack: Node, by: Node): Node {
  if (t === pack) return by;
  switch (t.k) {
    case 'ptr':
    case 'lref':
    case 'rref':
      return { k: t.k, t: replacePack(t.t, pack, by) };
    case 'cv':
      return { k: 'cv', q: t.q, t: replacePack(t.t, pack, by) };
    case 'array':
      return { k: 'array', dim: t.dim, t: replacePack(t.t, pack, by) };
    case 'ptrmem':
      return { k: 'ptrmem', cls: replacePack(t.cls, pack, by), t: replacePack(t.t, pack, by) };
    case 'func':
      return { ...t, ret: t.ret && replacePack(t.ret, pack, by), params: t.params.map((p) => replacePack(p, pack, by)) };
    default:
      return t;
  }
}

/** Prints a type, with `decl` the declarator text built so far (`*`, `&`, ` const`…). */
function print(t: Node, decl = ''): string {
  switch (t.k) {
    case 'name':
      return t.s + decl;
    case 'pack':
      return t.items.map((x) => print(x)).filter((x) => x !== '').join(', ') + decl;
    case 'expand': {
      const pack = firstPack(t.t);
      if (!pack || pack.k !== 'pack') return print(t.t, decl);
      return pack.items.map((x) => print(replacePack(t.t, pack, x))).filter((x) => x !== '').join(', ') + decl;
    }
    case 'cv': {
      const inner = t.t;
      // cv on an array qualifies its elements; cv on cv merges.
      if (inner.k === 'array') return print({ k: 'array', dim: inner.dim, t: { k: 'cv', q: t.q, t: inner.t } }, decl);
      if (inner.k === 'cv') {
        const q = [' const', ' volatile', ' restrict'].filter((x) => t.q.includes(x) || inner.q.includes(x)).join('');
        return print(inner.t, q + decl);
      }
      return print(inner, t.q + decl);
    }
    case 'ptr':
      return print(t.t, '*' + decl);
    case 'lref':
    case 'rref': {
      let inner = t.t;
      let kind = t.k;
      // Reference collapsing: & & -> &, & && -> &, && & -> &, && && -> &&.
      while (inner.k === 'lref' || inner.k === 'rref') {
        if (inner.k === 'lref') kind = 'lref';
        inner = inner.t;
      }
      return print(inner, (kind === 'lref' ? '&' : '&&') + decl);
    }
    case 'func': {
      const ret = t.ret ? print(t.ret) : '';
      const params = `(${t.params.map((p) => print(p)).join(', ')})${t.q}`;
      return decl ? `${ret} (${decl})${params}` : `${ret} ${params}`;
    }
    case 'array':
      return decl ? `${print(t.t)} (${decl}) [${t.dim}]` : `${print(t.t)} [${t.dim}]`;
    case 'ptrmem': {
      const cls = print(t.cls);
      if (t.t.k === 'func') return print(t.t, `${cls}::*${decl}`);
      return print(t.t, ` ${cls}::*${decl}`);
    }
  }
}

/**
 * Demangles an Itanium C++ symbol (`_Z…`, with optional `.cold`/`.constprop.N`
 * clone suffixes). Throws `Unsupported` when a construct is not handled; returns
 * null when `symbol` is not a mangled C++ name at all.
 */
export function demangleItanium(symbol: string): string | null {
  if (!symbol.startsWith('_Z')) return null;
  const p = new Parser(symbol);
  p.pos = 2;
  const special = p.special();
  const text = special || p.encoding();
  let rest = symbol.slice(p.pos);
  let clones = '';
  while (rest.length) {
    const m = /^(\.[A-Za-z_][A-Za-z0-9_]*(?:\.\d+)*|(?:\.\d+)+)/.exec(rest);
    if (!m) throw new Unsupported(`trailing characters at ${p.pos}`);
    clones += ` [clone ${m[1]}]`;
    rest = rest.slice(m[1].length);
  }
  return text + clones;
}

/**
 * Demangles a mangled C++ *type* such as a typeinfo name string (`N7widgets4RectE`
 * → `widgets::Rect`). Throws `Unsupported` when not understood.
 */
export function demangleItaniumType(mangled: string): string {
  const p = new Parser(mangled);
  const t = p.type();
  if (p.pos !== mangled.length) throw new Unsupported('trailing characters');
  return print(t);
}
