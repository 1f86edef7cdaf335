import { describe, expect, it } from 'vitest';
import { demangle, demangleType, classOfVtableSymbol } from './demangle.ts';
import { demangleItanium, Unsupported } from './itanium-demangle.ts';

// Expected strings are gdb's / c++filt -i's output for these symbols (the differential test compares thousands more).
const CASES: [string, string][] = [
  ['_ZN3app11parse_linesB5cxx11El', 'app::parse_lines[abi:cxx11](long)'],
  ['_ZL6workerlPSt6vectorIPvSaIS0_EE', 'worker(long, std::vector<void*, std::allocator<void*> >*)'],
  ['_ZNSt6vectorIiSaIiEE14_M_fill_assignEmRKi', 'std::vector<int, std::allocator<int> >::_M_fill_assign(unsigned long, int const&)'],
  [
    '_ZNSt6vectorISt6threadSaIS0_EE17_M_realloc_insertIJRFvlPS_IPvSaIS4_EEElS7_EEEvN9__gnu_cxx17__normal_iteratorIPS0_S2_EEDpOT_',
    'void std::vector<std::thread, std::allocator<std::thread> >::_M_realloc_insert<void (&)(long, std::vector<void*, std::allocator<void*> >*), long, std::vector<void*, std::allocator<void*> >*>(__gnu_cxx::__normal_iterator<std::thread*, std::vector<std::thread, std::allocator<std::thread> > >, void (&)(long, std::vector<void*, std::allocator<void*> >*), long&&, std::vector<void*, std::allocator<void*> >*&&)',
  ],
  ['_ZN7widgets4RectC2EddNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE', 'widgets::Rect::Rect(double, double, std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >)'],
  ['_ZNK7widgets6Circle4areaEv', 'widgets::Circle::area() const'],
  ['_ZN7widgets5ShapeD0Ev', 'widgets::Shape::~Shape()'],
  ['_ZTVN7widgets4RectE', 'vtable for widgets::Rect'],
  ['_ZNSt8ios_base4InitC1Ev', 'std::ios_base::Init::Init()'],
  ['_Znwm', 'operator new(unsigned long)'],
  ['_ZdlPvm', 'operator delete(void*, unsigned long)'],
  ['_ZN12_GLOBAL__N_14pool4freeEPv.cold', '(anonymous namespace)::pool::free(void*) [clone .cold]'],
  ['_ZNSolsEi', 'std::ostream::operator<<(int)'],
  ['_ZNSt6vectorIiSaIiEEC2ERKS1_', 'std::vector<int, std::allocator<int> >::vector(std::vector<int, std::allocator<int> > const&)'],
  ['_Z1fPFivEPA10_iM1AFvvE', 'f(int (*)(), int (*) [10], void (A::*)())'],
  ['_Z1fIJEEvDpT_', 'void f<>()'],
  ['_Z1gILi5ELb1EEvv', 'void g<5, true>()'],
  // Templated constructors: no return type, every parameter.
  ['_ZNSsC1IPKcEET_S2_RKSaIcE', 'std::basic_string<char, std::char_traits<char>, std::allocator<char> >::basic_string<char const*>(char const*, char const*, std::allocator<char> const&)'],
  ['_ZGTtNSt11logic_errorC1EPKc', 'transaction clone for std::logic_error::logic_error(char const*)'],
  ['_ZTCSt14basic_ifstreamIcSt11char_traitsIcEE0_Si', 'construction vtable for std::istream-in-std::basic_ifstream<char, std::char_traits<char> >'],
  ['_ZZN5clang4ento14CheckerManager6getTagINS0_3mpi10MPICheckerEEEPvvE3tag', 'clang::ento::CheckerManager::getTag<clang::ento::mpi::MPIChecker>()::tag'],
  ['_ZN7WelsDec6PredMvEPA30_A2_sPA30_aiiiaPs', 'WelsDec::PredMv(short (*) [30][2], signed char (*) [30], int, int, int, signed char, short*)'],
  ['_Z1fPFPFivEvE', 'f(int (*(*)())())'],
  ['_Z1fM1AFPFivEvE', 'f(int (* (A::*)())())'],
  ['_Z1fIiEDTplfp_Li1EET_', 'decltype ({parm#1}+(1)) f<int>(int)'],
  ['_Z1fIJEEviDpT_i', 'void f<>(int, , int)'],
  ['_Z1fIJ1AIiEJEEEvv', 'void f<A<int>>()'],
  ['_ZL16module_functions.lto_priv.0', '_ZL16module_functions.lto_priv.0'],
];

describe('Itanium demangler (gdb spelling)', () => {
  for (const [m, want] of CASES) it(m, () => expect(demangle(m)).toBe(want));
  it('types and vtable symbols', () => {
    expect(demangleType('N7widgets4RectE')).toBe('widgets::Rect');
    expect(classOfVtableSymbol('_ZTVN7widgets6CircleE')).toBe('widgets::Circle');
    expect(demangleType('N7widgets')).toBeNull();
  });
  it('plain and malformed names never throw through demangle()', () => {
    expect(demangle('main')).toBe('main');
    for (const bad of ['_Z', '_ZN', '_ZN3ab', '_Z999999x', '_ZSt', '_ZT_', '_Z1fIT5_Ev', '_ZNNNNNNNNNN']) {
      expect(() => demangle(bad)).not.toThrow();
    }
    expect(() => demangleItanium('_ZN3ab')).toThrow(Unsupported);
  });
  it('substitutions that double a name at each step stop at MAX_DEMANGLED characters: left mangled', () => {
    const seq = (i: number): string => (i === 0 ? 'S_' : `S${(i - 1).toString(36).toUpperCase()}_`);
    let sym = '_Z1f1AIiE';
    for (let k = 0, last = 1; k < 30; k++, last += 2) sym += `1BI${seq(last)}${seq(last)}E`;
    expect(demangle(sym)).toBe(sym);
    // 20 steps: 25 MB in c++filt; 8 steps stay under the limit and are decoded.
    expect(demangle(sym.split('1BI').slice(0, 9).join('1BI'))).toMatch(/^f\(A<int>, B<A<int>, A<int> >, /);
  });

  it('deeply nested input does not hang: left mangled past the nesting limit, as c++filt leaves it', () => {
    expect(demangle('_Z1f' + 'P'.repeat(100) + 'i')).toBe(`f(int${'*'.repeat(100)})`);
    const deep = '_Z1f' + 'P'.repeat(2000) + 'i';
    expect(demangle(deep)).toBe(deep);
  });
});
