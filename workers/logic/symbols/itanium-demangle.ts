/**
 * Itanium C++ ABI demangler (the scheme g++ and clang use on Linux), written from
 * the ABI's mangling grammar. Its output follows GNU c++filt / gdb spelling
 * (`std::vector<int, std::allocator<int> >`, return types of template
 * functions, `[abi:cxx11]`, reference collapsing, `[clone .cold]`), because the
 * reference answers (malloc_tracer's gdb plugin, chap) print names that way.
 *
 * It covers nested and local names, templates and argument packs,
 * substitutions, function, array and pointer-to-member types (declarators
 * printed inside out, as C spells them), operators, literals, expressions in
 * template arguments and `decltype`, and the special names (thunks, guard
 * variables, construction vtables, transaction clones). Its answers are
 * checked against binutils' `c++filt -i` on every C++ symbol of the machine's
 * shared libraries (`itanium-demangle.differential.test.ts`). What it cannot
 * decode throws `Unsupported`; `demangle.ts` then shows the mangled name.
 */

/**
 * The longest name built (characters): substitutions can double a name at each
 * step, so a few hundred bytes of hostile input would otherwise build
 * gigabytes. Past it the symbol is left mangled.
 */
export const MAX_DEMANGLED = 1 << 20;

function cap(s: string): string {
  if (s.length > MAX_DEMANGLED) throw new Unsupported(`demangled name longer than ${MAX_DEMANGLED} characters`);
  return s;
}

/** Stands for the ", " glibc's printer takes back after an empty pack: it ends a list as a space would (no `> >`). */
const TAKEN_BACK = '\u0001';

export class Unsupported extends Error {}

type Node =
  | { k: 'name'; s: string }
  | { k: 'ptr' | 'lref' | 'rref'; t: Node }
  | { k: 'cv'; q: string; t: Node }
  | { k: 'func'; ret: Node | null; params: Node[]; q: string }
  | { k: 'array'; dim: string; t: Node }
  | { k: 'ptrmem'; cls: Node; t: Node }
  | { k: 'pack'; items: Node[] }
  | { k: 'expand'; t: Node }
  /** Vendor qualifier, _Complex, _Imaginary, __vector(N): a suffix on the type. */
  | { k: 'vq'; q: string; t: Node }
  /** An expression (template argument, decltype, array bound); `simple` ones need no parentheses as operands. */
  | { k: 'expr'; s: string; simple: boolean; addr?: string }
  /** The declared name of a function, printed inside its declarator. */
  | { k: 'declname'; s: string };

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

/** The name a constructor or destructor takes after each standard abbreviation. */
const STD_SUBS_LAST: Record<string, string> = { a: 'allocator', b: 'basic_string', s: 'basic_string', i: 'basic_istream', o: 'basic_ostream', d: 'basic_iostream' };

/** Binary operators in expressions. */
const BINARY: Record<string, string> = {
  pl: '+', mi: '-', ml: '*', dv: '/', rm: '%', an: '&', or: '|', eo: '^', aS: '=', pL: '+=', mI: '-=', mL: '*=',
  dV: '/=', rM: '%=', aN: '&=', oR: '|=', eO: '^=', ls: '<<', rs: '>>', lS: '<<=', rS: '>>=', eq: '==', ne: '!=',
  lt: '<', gt: '>', le: '<=', ge: '>=', ss: '<=>', aa: '&&', oo: '||', cm: ',', pm: '->*', ds: '.*',
};
const UNARY: Record<string, string> = { ps: '+', ng: '-', ad: '&', de: '*', co: '~', nt: '!' };
const CASTS: Record<string, string> = { dc: 'dynamic_cast', sc: 'static_cast', cc: 'const_cast', rc: 'reinterpret_cast' };

/** Result of parsing a name: its text, plus facts the encoding needs. */
interface NameInfo {
  text: string;
  /** Template arguments of the final component, when it is a template. */
  templated: boolean;
  /** Constructor, destructor or conversion operator: no return type printed. */
  noReturn: boolean;
  /** Method qualifiers (` const`, ` &&`) from a nested name. */
  quals: string;
  /** A qualified name (`A::f`, `std::f`) that is not a template. */
  qualified?: boolean;
}

const exprText = (n: Node): string => (n.k === 'expr' ? n.s : print(n));
/** An operand: names, qualified names and function parameters as they are, anything else in parentheses. */
const operand = (n: Node): string => ((n.k === 'expr' ? n.simple : n.k === 'name') ? exprText(n) : `(${exprText(n)})`);
const expr = (s: string, simple = false): Node => ({ k: 'expr', s, simple });

class Parser {
  pos = 0;
  subs: Node[] = [];
  /**
   * For a candidate that is a bare template parameter, its index: c++filt
   * resolves such a substitution against the template arguments in force
   * where it is used, not where it was first seen.
   */
  subsParam = new Map<number, number>();
  /**
   * …except under a reference (`RT_`, `OS3_`): there the parameter keeps the
   * value it had the first time it stood under a reference.
   */
  refScope = new Map<number, Node>();
  templateArgs: Node[] = [];
  /** While an expression pack expansion (`sp`) is read: the argument packs its pattern refers to, by index. */
  packRefs: Map<number, Extract<Node, { k: 'pack' }>> | null = null;
  /** The last source name read outside template arguments: what a constructor or destructor is called. */
  lastName = '';
  depth = 0;
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
  isDigit(n = 0): boolean {
    const c = this.peek(n);
    return c >= '0' && c <= '9';
  }
  number(): number {
    let neg = false;
    if (this.eat('n')) neg = true;
    const start = this.pos;
    while (this.isDigit()) this.pos++;
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
  enter(): void {
    if (++this.depth > 400) throw new Unsupported('nested too deeply');
  }

  // ---- encodings -------------------------------------------------------

  /** An encoding; `top` is false inside a local name, whose function's return type is not printed. */
  encoding(top = true): { text: string; isFunction: boolean; addr?: string } {
    if (this.peek() === 'G' || this.peek() === 'T') return { text: this.special(), isFunction: false };
    const saved = this.templateArgs;
    const name = this.name();
    // A data name ends the encoding; a clone suffix (`.cold`) follows only a function's parameters, as c++filt reads it.
    if (this.pos >= this.s.length || this.peek() === 'E') {
      this.templateArgs = saved;
      return { text: name.text, isFunction: false };
    }
    let ret: Node | null = null;
    if (name.templated && !name.noReturn) ret = this.type();
    const params = this.bareParams();
    this.templateArgs = saved;
    const f: Node = { k: 'func', ret: top ? ret : null, params, q: name.quals };
    if (!f.ret) return { text: `${name.text}(${printParams(params)})${name.quals}`, isFunction: true, ...(name.qualified ? { addr: name.text } : {}) };
    const out = new Out();
    printNode(f, out, { node: { k: 'declname', s: name.text }, printed: false, next: null });
    return { text: out.s, isFunction: true };
  }

  bareParams(): Node[] {
    const out: Node[] = [];
    while (this.pos < this.s.length && this.peek() !== 'E' && this.peek() !== '.') out.push(this.type());
    if (out.length === 0) throw new Unsupported(`parameter types expected at ${this.pos}`);
    return out;
  }

  callOffset(): void {
    if (this.eat('h')) {
      this.number();
      this.expect('_');
    } else if (this.eat('v')) {
      this.number();
      this.expect('_');
      this.number();
      this.expect('_');
    } else throw new Unsupported('call offset');
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
    if (this.eat('TC')) {
      const derived = this.type();
      this.number();
      this.expect('_');
      const base = this.type();
      return `construction vtable for ${print(base)}-in-${print(derived)}`;
    }
    if (this.eat('TA')) return 'template parameter object for ' + exprText(this.templateArg());
    if (this.eat('GV')) return 'guard variable for ' + this.name().text;
    if (this.eat('GR')) {
      // binutils 2.40 reads <name> [<number>], no closing `_`.
      const n = this.name().text;
      const k = this.isDigit() ? this.number() : 0;
      return `reference temporary #${k} for ${n}`;
    }
    if (this.eat('GTt')) return 'transaction clone for ' + this.encoding().text;
    if (this.eat('GTn')) return 'non-transaction clone for ' + this.encoding().text;
    if (this.eat('GA')) return 'hidden alias for ' + this.encoding().text;
    if (this.eat('TH')) return 'TLS init function for ' + this.name().text;
    if (this.eat('TW')) return 'TLS wrapper function for ' + this.name().text;
    if (this.eat('Th')) {
      this.number();
      this.expect('_');
      return 'non-virtual thunk to ' + this.encoding().text;
    }
    if (this.eat('Tv')) {
      this.number();
      this.expect('_');
      this.number();
      this.expect('_');
      return 'virtual thunk to ' + this.encoding().text;
    }
    if (this.eat('Tc')) {
      this.callOffset();
      this.callOffset();
      return 'covariant return thunk to ' + this.encoding().text;
    }
    throw new Unsupported(`special name at ${this.pos}`);
  }

  // ---- names -----------------------------------------------------------

  name(): NameInfo {
    this.enter();
    try {
      return this.nameInner();
    } finally {
      this.depth--;
    }
  }

  private nameInner(): NameInfo {
    const c = this.peek();
    if (c === 'N') return this.nested();
    if (c === 'Z') return this.local();
    let text: string;
    let isSub = false;
    let noReturn = false;
    if (c === 'S' && this.peek(1) === 't') {
      this.pos += 2;
      const u = this.unqualified();
      text = 'std::' + u.text;
      noReturn = u.noReturn;
      if (this.peek() !== 'I') return { text, templated: false, noReturn, quals: '', qualified: true };
    } else if (c === 'S') {
      text = print(this.substitution());
      isSub = true;
    } else {
      const u = this.unqualified();
      if (this.peek() !== 'I') return { text: u.text, templated: false, noReturn: u.noReturn, quals: '' };
      text = u.text;
      noReturn = u.noReturn;
    }
    if (this.peek() === 'I') {
      if (!isSub) this.subs.push({ k: 'name', s: text });
      const args = this.templateArgList();
      this.templateArgs = args;
      return { text: withArgs(text, args), templated: true, noReturn, quals: '' };
    }
    return { text, templated: false, noReturn, quals: '' };
  }

  local(): NameInfo {
    this.expect('Z');
    const saved = this.templateArgs;
    const enc = this.encoding(false).text;
    this.templateArgs = saved;
    this.expect('E');
    if (this.eat('s')) {
      this.discriminator();
      return { text: enc + '::string literal', templated: false, noReturn: false, quals: '' };
    }
    let prefix = enc;
    if (this.eat('d')) {
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
      prefix += `::{default arg#${n}}`;
    }
    const n = this.name();
    this.discriminator();
    return { ...n, text: prefix + '::' + n.text };
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
        if (full !== undefined) {
          this.lastName = STD_SUBS_LAST[this.peek(1)];
          this.pos += 2;
        }
        text = full ?? print(this.substitution());
        addSub = false;
        templated = false;
      } else if (c === 'T') {
        text = print(this.templateParam());
        templated = false;
      } else if (c === 'D' && (this.peek(1) === 't' || this.peek(1) === 'T')) {
        text = print(this.type());
        addSub = false;
        templated = false;
      } else if (c === 'I') {
        if (!text) throw new Unsupported('template args without name');
        const args = this.templateArgList();
        this.templateArgs = args;
        text = withArgs(text, args);
        templated = true;
      } else if (c === 'M') {
        this.pos++; // data-member-prefix (lambda in initializer): no candidate of its own
        continue;
      } else {
        const u = this.unqualified();
        text = cap(text ? text + '::' + u.text : u.text);
        templated = false;
        noReturn = u.noReturn;
      }
      if (addSub && this.peek() !== 'E') this.subs.push({ k: 'name', s: text });
    }
    return { text, templated, noReturn, quals, qualified: !templated && text.includes('::') };
  }

  /** <unqualified-name>, with its ABI tags. */
  unqualified(): { text: string; noReturn: boolean } {
    const c = this.peek();
    let text: string;
    let noReturn = false;
    if (c >= '0' && c <= '9') {
      text = this.sourceName();
    } else if (c === 'C' && /[1-5I]/.test(this.peek(1))) {
      this.pos += 1;
      const inheriting = this.eat('I');
      if (!/[1-5]/.test(this.peek())) throw new Unsupported('constructor kind');
      this.pos += 1;
      if (inheriting) this.type();
      text = this.lastName;
      noReturn = true;
    } else if (c === 'D' && /[0-5]/.test(this.peek(1))) {
      this.pos += 2;
      text = '~' + this.lastName;
      noReturn = true;
    } else if (c === 'U' && this.peek(1) === 't') {
      this.pos += 2;
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
      text = `{unnamed type#${n}}`;
    } else if (c === 'U' && this.peek(1) === 'l') {
      this.pos += 2;
      if (this.peek() === 'T') throw new Unsupported('lambda template parameters');
      const params = this.bareParams();
      this.expect('E');
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
      text = `{lambda(${printParams(params)})#${n}}`;
    } else if (c === 'D' && this.peek(1) === 'C') {
      this.pos += 2;
      const names: string[] = [];
      while (!this.eat('E')) {
        if (this.pos >= this.s.length) throw new Unsupported('unterminated structured binding');
        names.push(this.sourceName());
      }
      text = `[${names.join(', ')}]`;
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
    const held = this.lastName;
    while (this.peek() === 'B') {
      this.pos++;
      text += `[abi:${this.sourceName()}]`;
    }
    this.lastName = held;
    return { text, noReturn };
  }

  sourceName(): string {
    const n = this.number();
    if (n <= 0 || this.pos + n > this.s.length) throw new Unsupported('bad source name');
    const id = this.s.slice(this.pos, this.pos + n);
    this.pos += n;
    const name = id.startsWith('_GLOBAL__N') ? '(anonymous namespace)' : id;
    this.lastName = name;
    return name;
  }

  substitution(): Node {
    this.expect('S');
    const c = this.peek();
    if (c && STD_SUBS[c] !== undefined && !(c >= '0' && c <= '9')) {
      this.pos++;
      this.lastName = STD_SUBS_LAST[c];
      return { k: 'name', s: STD_SUBS[c] };
    }
    const id = this.seqId();
    const node = this.subs[id];
    if (!node) throw new Unsupported('substitution out of range');
    const param = this.subsParam.get(id);
    return param !== undefined ? (this.templateArgs[param] ?? node) : node;
  }

  templateParam(): Node {
    return this.templateParamAt().arg;
  }

  templateParamAt(): { arg: Node; index: number } {
    this.expect('T');
    const index = this.seqId();
    const arg = this.templateArgs[index];
    if (!arg) throw new Unsupported('template parameter out of range');
    if (arg.k === 'pack' && this.packRefs && !this.packRefs.has(index)) this.packRefs.set(index, arg);
    return { arg, index };
  }

  templateArgList(): Node[] {
    this.expect('I');
    const held = this.lastName;
    const args: Node[] = [];
    while (!this.eat('E')) {
      if (this.pos >= this.s.length) throw new Unsupported('unterminated template args');
      args.push(this.templateArg());
    }
    this.lastName = held;
    return args;
  }

  templateArg(): Node {
    const c = this.peek();
    if (c === 'L') return this.literal();
    if (c === 'X') {
      this.pos++;
      const e = this.expression();
      this.expect('E');
      return e;
    }
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
      return { ...expr(e.text, !e.isFunction), ...(e.addr ? { addr: e.addr } : {}) };
    }
    const t = this.type();
    const tn = t.k === 'name' ? t.s : '';
    let neg = false;
    if (this.eat('n')) neg = true;
    const start = this.pos;
    while (this.peek() !== 'E' && this.pos < this.s.length) this.pos++;
    const value = this.s.slice(start, this.pos);
    this.expect('E');
    if (value === '' && !neg) return expr(print(t));
    const code = Object.keys(BUILTIN).find((k) => BUILTIN[k] === tn);
    if (tn === 'bool' && (value === '0' || value === '1')) return expr(value === '1' ? 'true' : 'false');
    if (code !== undefined && LITERAL_SUFFIX[code] !== undefined) return expr((neg ? '-' : '') + value + LITERAL_SUFFIX[code]);
    if (tn === 'float' || tn === 'double' || tn === 'long double' || tn === '__float128') return expr(`(${tn})[${neg ? '-' : ''}${value}]`);
    return expr(`(${print(t)})${neg ? '-' : ''}${value}`);
  }

  // ---- expressions -----------------------------------------------------

  expression(): Node {
    this.enter();
    try {
      return this.expressionInner();
    } finally {
      this.depth--;
    }
  }

  /** Expressions up to `E`. */
  exprList(): Node[] {
    const out: Node[] = [];
    while (!this.eat('E')) {
      if (this.pos >= this.s.length) throw new Unsupported('unterminated expression list');
      out.push(this.expression());
    }
    return out;
  }

  private expressionInner(): Node {
    const c = this.peek();
    const two = this.s.slice(this.pos, this.pos + 2);
    if (c === 'L') return this.literal();
    if (c === 'T') {
      const t = this.templateParam();
      return t.k === 'expr' ? expr(t.s) : expr(print(t));
    }
    if (two === 'fp') {
      this.pos += 2;
      if (this.eat('T')) return expr('this', true);
      while (/[rVK]/.test(this.peek())) this.pos++;
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
      return expr(`{parm#${n}}`, true);
    }
    if (two === 'fL') {
      this.pos += 2;
      this.number();
      this.expect('p');
      while (/[rVK]/.test(this.peek())) this.pos++;
      const n = this.peek() === '_' ? 1 : this.number() + 2;
      this.expect('_');
      return expr(`{parm#${n}}`, true);
    }
    if (two === 'sr' || (c >= '0' && c <= '9') || two === 'on' || two === 'dn') return this.unresolvedName();
    if (two === 'gs') {
      const three = this.s.slice(this.pos + 2, this.pos + 4);
      if (three === 'nw' || three === 'na') return this.newExpr();
      if (three === 'dl' || three === 'da') {
        this.pos += 4;
        return expr(`::delete${three === 'da' ? '[]' : ''} ${operand(this.expression())}`);
      }
      return this.unresolvedName();
    }
    this.pos += 2;
    switch (two) {
      case 'st':
        return expr(`sizeof (${print(this.type())})`);
      case 'at':
        return expr(`alignof (${print(this.type())})`);
      case 'sz':
        return expr(`sizeof ${operand(this.expression())}`);
      case 'az':
        return expr(`alignof ${operand(this.expression())}`);
      case 'sZ': {
        if (this.peek() === 'T') {
          const t = this.templateParam();
          return expr(t.k === 'pack' ? String(t.items.length) : '1');
        }
        return expr(`sizeof...(${exprText(this.expression())})`);
      }
      case 'sP': {
        let n = 0;
        while (!this.eat('E')) {
          if (this.pos >= this.s.length) throw new Unsupported('unterminated sizeof...');
          const a = this.templateArg();
          n += a.k === 'pack' ? a.items.length : 1;
        }
        return expr(String(n));
      }
      case 'sp':
        return this.packExpansion();
      case 'tw':
        return expr(`throw ${operand(this.expression())}`);
      case 'tr':
        return expr('throw');
      case 'cv': {
        const t = print(this.type());
        if (this.eat('_')) return expr(`(${t})(${joinList(this.exprList().map(exprText))})`);
        return expr(`(${t})${operand(this.expression())}`);
      }
      case 'tl': {
        const t = print(this.type());
        return expr(`${t}{${joinList(this.exprList().map(exprText))}}`);
      }
      case 'il':
        return expr(`{${joinList(this.exprList().map(exprText))}}`, true);
      case 'dc':
      case 'sc':
      case 'cc':
      case 'rc': {
        const t = print(this.type());
        return expr(`${CASTS[two]}<${t}>(${exprText(this.expression())})`);
      }
      case 'cl': {
        const callee = this.expression();
        const args = this.exprList();
        return expr(`${operand(callee)}(${joinList(args.map(exprText))})`);
      }
      case 'dt':
      case 'pt': {
        const left = this.expression();
        const member = this.unresolvedName();
        return expr(`${operand(left)}${two === 'dt' ? '.' : '->'}${operand(member)}`);
      }
      case 'qu': {
        const a = this.expression();
        const b = this.expression();
        const d = this.expression();
        return expr(`${operand(a)}?${operand(b)} : ${operand(d)}`);
      }
      case 'ix': {
        const a = this.expression();
        const b = this.expression();
        return expr(`${operand(a)}[${exprText(b)}]`);
      }
      case 'nw':
      case 'na':
        this.pos -= 2;
        return this.newExpr();
      case 'dl':
      case 'da':
        return expr(`delete${two === 'da' ? '[]' : ''} ${operand(this.expression())}`);
      case 'pp':
      case 'mm': {
        const op = two === 'pp' ? '++' : '--';
        if (this.eat('_')) return expr(`${op}${operand(this.expression())}`);
        return expr(`${operand(this.expression())}${op}`);
      }
      case 'fl':
      case 'fr':
      case 'fL':
      case 'fR': {
        const op = BINARY[this.s.slice(this.pos, this.pos + 2)];
        if (op === undefined) throw new Unsupported('fold operator');
        this.pos += 2;
        const a = this.expression();
        if (two === 'fl') return expr(`(...${op}${operand(a)})`);
        if (two === 'fr') return expr(`(${operand(a)}${op}...)`);
        const b = this.expression();
        return expr(`(${operand(a)}${op}...${op}${operand(b)})`);
      }
    }
    if (BINARY[two] !== undefined) {
      const a = this.expression();
      const b = this.expression();
      const text = `${operand(a)}${BINARY[two]}${operand(b)}`;
      return expr(two === 'gt' ? `(${text})` : text);
    }
    if (UNARY[two] !== undefined) {
      const a = this.expression();
      // The address of a qualified function is printed without its parameters.
      if (two === 'ad' && a.k === 'expr' && a.addr) return expr(`&${a.addr}`);
      return expr(`${UNARY[two]}${operand(a)}`);
    }
    throw new Unsupported(`expression ${two} at ${this.pos - 2}`);
  }

  /**
   * `sp <expression>`: with an argument pack in its pattern, the pattern once
   * per element of the pack (read again with the element in the pack's place),
   * joined by ", " (nothing for an empty pack); otherwise `pattern...`.
   */
  packExpansion(): Node {
    const start = this.pos;
    const subsAt = this.subs.length;
    const outer = this.packRefs;
    this.packRefs = new Map();
    let first: Node;
    let refs: Map<number, Extract<Node, { k: 'pack' }>>;
    try {
      first = this.expression();
      refs = this.packRefs;
    } finally {
      this.packRefs = outer;
    }
    if (refs.size === 0) return expr(`${operand(first)}...`);
    const [index, pack] = [...refs][0];
    const end = this.pos;
    const subs = this.subs.slice();
    const args = this.templateArgs;
    const parts: string[] = [];
    for (const item of pack.items) {
      this.pos = start;
      this.subs.length = subsAt;
      this.templateArgs = args.slice();
      this.templateArgs[index] = item;
      parts.push(exprText(this.expression()));
    }
    this.templateArgs = args;
    this.subs = subs;
    this.pos = end;
    return expr(joinList(parts));
  }

  newExpr(): Node {
    const global = this.eat('gs');
    const array = this.eat('na');
    if (!array) this.expect('nw');
    const placement: Node[] = [];
    while (!this.eat('_')) {
      if (this.pos >= this.s.length) throw new Unsupported('unterminated new');
      placement.push(this.expression());
    }
    const t = print(this.type());
    let init = '';
    if (this.eat('pi')) init = `(${joinList(this.exprList().map(exprText))})`;
    else if (this.peek() === 'i' && this.peek(1) === 'l') init = exprText(this.expression());
    else this.expect('E');
    if (init && !this.eat('E')) throw new Unsupported('new initializer');
    const where = placement.length ? ` (${joinList(placement.map(exprText))})` : '';
    return expr(`${global ? '::' : ''}new${array ? '[]' : ''}${where} ${t}${init}`);
  }

  /** <simple-id>: a source name with optional template arguments. */
  simpleId(): { text: string; templated: boolean } {
    const n = this.sourceName();
    if (this.peek() !== 'I') return { text: n, templated: false };
    return { text: withArgs(n, this.templateArgList()), templated: true };
  }

  baseUnresolvedName(): { text: string; templated: boolean } {
    if (this.eat('on')) {
      const op = OPERATORS[this.s.slice(this.pos, this.pos + 2)];
      if (op === undefined) throw new Unsupported('operator name');
      this.pos += 2;
      const text = 'operator' + op;
      if (this.peek() !== 'I') return { text, templated: false };
      return { text: withArgs(text, this.templateArgList()), templated: true };
    }
    if (this.eat('dn')) {
      if (this.isDigit()) return { text: '~' + this.simpleId().text, templated: false };
      return { text: '~' + print(this.type()), templated: false };
    }
    return this.simpleId();
  }

  unresolvedName(): Node {
    const global = this.eat('gs') ? '::' : '';
    if (this.eat('srN')) {
      const parts = [print(this.type())];
      while (!this.eat('E')) {
        if (this.pos >= this.s.length) throw new Unsupported('unterminated unresolved name');
        parts.push(this.simpleId().text);
      }
      const b = this.baseUnresolvedName();
      parts.push(b.text);
      return expr(global + parts.join('::'), !b.templated);
    }
    if (this.eat('sr')) {
      const parts: string[] = [];
      if (this.isDigit()) {
        while (!this.eat('E')) {
          if (this.pos >= this.s.length) throw new Unsupported('unterminated unresolved name');
          parts.push(this.simpleId().text);
        }
      } else parts.push(print(this.type()));
      const b = this.baseUnresolvedName();
      parts.push(b.text);
      return expr(global + parts.join('::'), !b.templated);
    }
    const b = this.baseUnresolvedName();
    return expr(global + b.text, !b.templated);
  }

  // ---- types -----------------------------------------------------------

  type(): Node {
    this.enter();
    try {
      return this.typeInner();
    } finally {
      this.depth--;
    }
  }

  /**
   * CV-qualifiers and function qualifiers (exception specification,
   * transaction_safe) then the type they qualify. On a function type they
   * qualify the function (a member's `this`), and the unqualified function
   * type is not a substitution candidate of its own.
   */
  private qualifiedType(): Node {
    let cv = '';
    let spec = '';
    for (;;) {
      if (this.eat('r')) cv += ' restrict';
      else if (this.eat('V')) cv += ' volatile';
      else if (this.eat('K')) cv += ' const';
      else if (this.eat('Do')) spec += ' noexcept';
      else if (this.eat('DO')) {
        const e = this.expression();
        this.expect('E');
        spec += ` noexcept(${exprText(e)})`;
      } else if (this.eat('Dw')) {
        const ts: Node[] = [];
        while (!this.eat('E')) {
          if (this.pos >= this.s.length) throw new Unsupported('unterminated throw spec');
          ts.push(this.type());
        }
        spec += ` throw(${printParams(ts)})`;
      } else if (this.eat('Dx')) spec += ' transaction_safe';
      else break;
    }
    const q = [' const', ' volatile', ' restrict'].filter((x) => cv.includes(x)).join('');
    if (this.peek() === 'F') {
      const f = this.functionType();
      return { ...f, q: q + f.q + spec };
    }
    if (spec) throw new Unsupported('function qualifiers on a non-function type');
    return { k: 'cv', q, t: this.type() };
  }

  /** The type under a reference, a template parameter there resolved as c++filt does (see `refScope`). */
  private referenced(): Node {
    if (this.peek() === 'T') {
      const k = this.subs.length;
      const t = this.type();
      if (this.subs[k] === t && this.subsParam.has(k) && !this.refScope.has(k)) this.refScope.set(k, t);
      return t;
    }
    if (this.peek() === 'S' && (this.isDigit(1) || this.peek(1) === '_' || (this.peek(1) >= 'A' && this.peek(1) <= 'Z'))) {
      const start = this.pos;
      this.pos++;
      const id = this.seqId();
      const param = this.subsParam.get(id);
      if (param !== undefined && this.peek() !== 'I' && this.subs[id]) {
        const held = this.refScope.get(id);
        if (held) return held;
        const v = this.templateArgs[param] ?? this.subs[id];
        this.refScope.set(id, v);
        return v;
      }
      this.pos = start;
    }
    return this.type();
  }

  private functionType(): Extract<Node, { k: 'func' }> {
    this.expect('F');
    this.eat('Y');
    const ret = this.type();
    const params = this.bareParams();
    let q = '';
    if (this.eat('R')) q = ' &';
    else if (this.eat('O')) q = ' &&';
    this.expect('E');
    return { k: 'func', ret, params, q };
  }

  private typeInner(): Node {
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
        const c1 = this.peek(1);
        if (c1 === 'p') {
          this.pos += 2;
          node = { k: 'expand', t: this.type() };
          break;
        }
        if (c1 === 'F') {
          this.pos += 2;
          const bits = this.number();
          const x = this.eat('x');
          this.expect('_');
          return { k: 'name', s: `_Float${bits}${x ? 'x' : ''}` };
        }
        if (c1 === 'T' || c1 === 't') {
          this.pos += 2;
          const e = this.expression();
          this.expect('E');
          node = { k: 'name', s: `decltype (${exprText(e)})` };
          break;
        }
        if (c1 === 'v') {
          this.pos += 2;
          let dim: string;
          if (this.eat('_')) dim = exprText(this.expression());
          else dim = String(this.number());
          this.expect('_');
          node = { k: 'vq', q: ` __vector(${dim})`, t: this.type() };
          break;
        }
        if (c1 === 'o' || c1 === 'O' || c1 === 'w' || c1 === 'x') {
          node = this.qualifiedType();
          break;
        }
        throw new Unsupported(`type D${c1}`);
      }
      case 'r':
      case 'V':
      case 'K':
        node = this.qualifiedType();
        break;
      case 'U': {
        this.pos++;
        let q = this.sourceName();
        if (this.peek() === 'I') q = withArgs(q, this.templateArgList());
        node = { k: 'vq', q: ' ' + q, t: this.type() };
        break;
      }
      case 'C':
      case 'G':
        this.pos++;
        node = { k: 'vq', q: c === 'C' ? ' _Complex' : ' _Imaginary', t: this.type() };
        break;
      case 'P':
        this.pos++;
        node = { k: 'ptr', t: this.type() };
        break;
      case 'R':
        this.pos++;
        node = { k: 'lref', t: this.referenced() };
        break;
      case 'O':
        this.pos++;
        node = { k: 'rref', t: this.referenced() };
        break;
      case 'F':
        node = this.functionType();
        break;
      case 'A': {
        this.pos++;
        let dim = '';
        if (this.isDigit()) dim = String(this.number());
        else if (this.peek() !== '_') dim = exprText(this.expression());
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
        const { arg, index } = this.templateParamAt();
        node = arg;
        this.subsParam.set(this.subs.length, index);
        if (this.peek() === 'I') {
          this.subs.push(node);
          const args = this.templateArgList();
          node = { k: 'name', s: withArgs(print(node), args) };
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
          node = { k: 'name', s: withArgs(print(sub), args) };
          break;
        }
        return sub; // a substitution is not a new candidate
      }
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

/** Joins list items as glibc's printer does: an empty item keeps its ", " unless it is last (then ", " is taken back). */
function joinList(parts: string[]): string {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end--;
  const kept = cap(parts.slice(0, end).join(', '));
  return end < parts.length && end > 0 ? kept + TAKEN_BACK : kept;
}

function printArgs(args: Node[]): string {
  const inner = joinList(args.map((a) => print(a)));
  return `<${inner}${inner.endsWith('>') ? ' ' : ''}>`;
}

/** `name` followed by template arguments (`operator< <int>` keeps its space). */
function withArgs(name: string, args: Node[]): string {
  return cap(name + (name.endsWith('<') ? ' ' : '') + printArgs(args));
}

/** The first argument pack inside `t`. */
function firstPack(t: Node): Node | null {
  switch (t.k) {
    case 'pack':
      return t;
    case 'ptr':
    case 'lref':
    case 'rref':
    case 'cv':
    case 'vq':
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
    case 'vq':
      return { k: t.k, q: t.q, t: replacePack(t.t, pack, by) };
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

/** The elements a pack expansion stands for (the pattern once per pack element). */
function expansion(t: Node): Node[] {
  if (t.k !== 'expand') return [t];
  const pack = firstPack(t.t);
  if (!pack || pack.k !== 'pack') return [t.t];
  return pack.items.map((x) => replacePack(t.t, pack, x));
}

/** Output with the last character written (a taken-back ", " counts as a space). */
class Out {
  s = '';
  add(x: string): void {
    this.s = cap(this.s + x);
  }
  last(): string {
    const c = this.s[this.s.length - 1] ?? '';
    return c === TAKEN_BACK ? ' ' : c;
  }
}

/** A declarator part waiting to be printed around the base type (innermost first). */
interface Mod {
  node: Node;
  printed: boolean;
  next: Mod | null;
}

/**
 * Prints a type as C declares it: the base type, then its modifiers inside
 * out (`int (*(*)())()`, `short (*) [30][2]`, `void (A::*)() const`).
 */
function print(t: Node): string {
  const out = new Out();
  printNode(t, out, null);
  return out.s;
}

function printParams(params: Node[]): string {
  if (params.length === 1 && params[0].k === 'name' && params[0].s === 'void') return '';
  return joinList(params.map((p) => print(p)));
}

function printNode(t: Node, out: Out, mods: Mod | null): void {
  switch (t.k) {
    case 'name':
    case 'expr':
    case 'declname':
      out.add(t.s);
      return;
    case 'pack':
      out.add(joinList(t.items.map((x) => print(x))));
      return;
    case 'expand':
      out.add(joinList(expansion(t).map((x) => print(x))));
      return;
    case 'lref':
    case 'rref': {
      // Reference collapsing: & & → &, & && → &, && & → &, && && → &&.
      let kind: 'lref' | 'rref' = t.k;
      let inner = t.t;
      while (inner.k === 'lref' || inner.k === 'rref') {
        if (inner.k === 'lref') kind = 'lref';
        inner = inner.t;
      }
      const m: Mod = { node: { k: kind, t: inner }, printed: false, next: mods };
      printNode(inner, out, m);
      if (!m.printed) printMod(m.node, out);
      return;
    }
    case 'cv':
    case 'ptr':
    case 'vq':
    case 'ptrmem': {
      if (t.k === 'cv' && t.t.k === 'array') {
        // cv on an array qualifies its elements.
        printNode({ k: 'array', dim: t.t.dim, t: { k: 'cv', q: t.q, t: t.t.t } }, out, mods);
        return;
      }
      if (t.k === 'cv' && t.t.k === 'cv') {
        const inner = t.t;
        const q = [' const', ' volatile', ' restrict'].filter((x) => t.q.includes(x) || inner.q.includes(x)).join('');
        printNode({ k: 'cv', q, t: inner.t }, out, mods);
        return;
      }
      const m: Mod = { node: t, printed: false, next: mods };
      printNode(t.t, out, m);
      if (!m.printed) printMod(t, out);
      return;
    }
    case 'func': {
      if (t.ret) {
        const m: Mod = { node: t, printed: false, next: mods };
        printNode(t.ret, out, m);
        if (m.printed) return;
        out.add(' ');
      }
      printFunction(t, out, mods);
      return;
    }
    case 'array': {
      const m: Mod = { node: t, printed: false, next: mods };
      printNode(t.t, out, m);
      if (!m.printed) printArray(t, out, mods);
      return;
    }
  }
}

function printMod(t: Node, out: Out): void {
  switch (t.k) {
    case 'ptr':
      out.add('*');
      return;
    case 'lref':
      out.add('&');
      return;
    case 'rref':
      out.add('&&');
      return;
    case 'cv':
    case 'vq':
      out.add(t.q);
      return;
    case 'ptrmem':
      if (out.last() !== '(') out.add(' ');
      out.add(print(t.cls) + '::*');
      return;
    case 'declname':
      out.add(t.s);
      return;
    default:
      printNode(t, out, null);
  }
}

function printModList(mods: Mod | null, out: Out): void {
  for (let p = mods; p; p = p.next) {
    if (p.printed) continue;
    p.printed = true;
    if (p.node.k === 'func') return printFunction(p.node, out, p.next);
    if (p.node.k === 'array') return printArray(p.node, out, p.next);
    printMod(p.node, out);
  }
}

function printFunction(f: Extract<Node, { k: 'func' }>, out: Out, mods: Mod | null): void {
  let paren = false;
  let space = false;
  for (let p = mods; p && !p.printed; p = p.next) {
    const k = p.node.k;
    if (k === 'ptr' || k === 'lref' || k === 'rref') paren = true;
    else if (k === 'cv' || k === 'vq' || k === 'ptrmem') paren = space = true;
    if (paren) break;
  }
  if (paren) {
    if (!space && out.last() !== '(' && out.last() !== '*') space = true;
    if (space && out.last() !== ' ') out.add(' ');
    out.add('(');
  }
  printModList(mods, out);
  if (paren) out.add(')');
  out.add(`(${printParams(f.params)})${f.q}`);
}

function printArray(a: Extract<Node, { k: 'array' }>, out: Out, mods: Mod | null): void {
  let space = true;
  if (mods) {
    let paren = false;
    for (let p: Mod | null = mods; p; p = p.next) {
      if (p.printed) continue;
      if (p.node.k === 'array') space = false;
      else paren = true;
      break;
    }
    if (paren) out.add(' (');
    printModList(mods, out);
    if (paren) out.add(')');
  }
  if (space) out.add(' ');
  out.add(`[${a.dim}]`);
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
  const text = p.encoding().text;
  let rest = symbol.slice(p.pos);
  let clones = '';
  while (rest.length) {
    const m = /^(\.[A-Za-z_][A-Za-z0-9_]*(?:\.\d+)*|(?:\.\d+)+)/.exec(rest);
    if (!m) throw new Unsupported(`trailing characters at ${p.pos}`);
    clones += ` [clone ${m[1]}]`;
    rest = rest.slice(m[1].length);
  }
  return (text + clones).split(TAKEN_BACK).join('');
}

/**
 * Demangles a mangled C++ *type* such as a typeinfo name string (`N7widgets4RectE`
 * → `widgets::Rect`). Throws `Unsupported` when not understood.
 */
export function demangleItaniumType(mangled: string): string {
  const p = new Parser(mangled);
  const t = p.type();
  if (p.pos !== mangled.length) throw new Unsupported('trailing characters');
  return print(t).split(TAKEN_BACK).join('');
}
