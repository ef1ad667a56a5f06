// Tokens of the Tenet policy language. See docs/language.md for the reference.
lexer grammar TenetLexer;

channels { COMMENTS, ERRORS }

// Declarations
PROJECT: 'project';
ROLE: 'role';
POLICY: 'policy';
CONTROL: 'control';
FACTS: 'facts';
FRAMEWORK: 'framework';
GROUP: 'group';
REQUIREMENT: 'requirement';
CROSSWALK: 'crosswalk';
APPLICABILITY: 'applicability';
EXCEPTION: 'exception';

// Items inside declarations
SECTION: 'section';
STATEMENT: 'statement';
SATISFIES: 'satisfies';
EXPECT: 'expect';
EVIDENCE: 'evidence';
FRESH: 'fresh';
WITHIN: 'within';
EVERY: 'every';
SCHEMA: 'schema';
LINT: 'lint';
EXCLUDE: 'exclude';
BECAUSE: 'because';

// Expressions
ALL: 'all';
ANY: 'any';
COUNT: 'count';
WHERE: 'where';
IN: 'in';
AND: 'and';
OR: 'or';
NOT: 'not';
ELSE: 'else';
TRUE: 'true';
FALSE: 'false';
NONE: 'none';

// Duration units are words so that `3 months` reads as English.
DAYS: 'day' | 'days';
WEEKS: 'week' | 'weeks';
MONTHS: 'month' | 'months';
YEARS: 'year' | 'years';

LBRACE: '{';
RBRACE: '}';
LBRACK: '[';
RBRACK: ']';
LPAREN: '(';
RPAREN: ')';
LE: '<=';
GE: '>=';
LT: '<';
GT: '>';
EQEQ: '==';
NEQ: '!=';
ARROW: '->';
ASSIGN: '=';
PLUS: '+';
MINUS: '-';
COMMA: ',';
COLON: ':';
DOT: '.';
QUESTION: '?';
PIPE: '|';

DATE: DIGIT DIGIT DIGIT DIGIT '-' DIGIT DIGIT '-' DIGIT DIGIT;
NUMBER: DIGIT+ '.' DIGIT+;
INT: DIGIT+;

// Identifiers may contain inner hyphens (`weak-modal`, `OC-01`), so
// subtraction needs spaces around the minus sign: `today - 30 days`.
ID: [a-zA-Z_] [a-zA-Z0-9_]* ('-' [a-zA-Z0-9_]+)*;

PROSE: '"""' .*? '"""';
STRING: '"' (~["\\\r\n] | '\\' ~[\r\n])* '"';

// Unterminated literals become tokens of their own so that the parser can
// report them in words instead of a cascade of unexpected characters.
UNTERMINATED_PROSE: '"""' (~'"' | '"' ~'"' | '""' ~'"')* ('"' | '""')? EOF;
UNTERMINATED_STRING: '"' (~["\\\r\n] | '\\' ~[\r\n])*;

LINE_COMMENT: '//' ~[\r\n]* -> channel(COMMENTS);

// Comments in the style of other languages are reported as mistakes, but as
// one mistake each: what they contain is not read as Tenet.
HASH_COMMENT: '#' (~[\r\n/] | '/' ~[/\r\n])* -> channel(ERRORS);
BLOCK_COMMENT: '/*' .*? '*/' -> channel(ERRORS);
UNTERMINATED_BLOCK_COMMENT: '/*' (~'*' | '*'+ ~[*/])* '*'* EOF -> channel(ERRORS);
WS: [ \t\r\n\f]+ -> skip;

// Anything else is reported with its location and kept away from the parser,
// so that one stray character does not hide the errors after it.
ERROR_CHAR: . -> channel(ERRORS);

fragment DIGIT: [0-9];
