// Syntax of the Tenet policy language. See docs/language.md for the reference.
// Only compiler/src/syntax sees the code generated from this grammar.
parser grammar TenetParser;

options { tokenVocab = TenetLexer; }

file: decl* EOF;

decl
    : projectDecl
    | roleDecl
    | policyDecl
    | factsDecl
    | frameworkDecl
    | crosswalkDecl
    | applicabilityDecl
    | exceptionDecl
    ;

projectDecl: PROJECT ident title? LBRACE projectItem* RBRACE;
projectItem: property | lintBlock;
lintBlock: LINT LBRACE lintSetting* RBRACE;
lintSetting: ident ASSIGN ident;

roleDecl: ROLE ident title? (LBRACE property* RBRACE)?;

policyDecl: POLICY ident title? LBRACE policyItem* RBRACE;
policyItem: property | sectionDecl | controlDecl;
sectionDecl: SECTION STRING text;

controlDecl: CONTROL ident title? LBRACE controlItem* RBRACE;
controlItem: property | statementDecl | satisfiesDecl | expectDecl | evidenceDecl;
statementDecl: STATEMENT text;
satisfiesDecl: SATISFIES reqRef (COMMA reqRef)*;
expectDecl: EXPECT expr (ELSE STRING)?;
evidenceDecl: EVIDENCE expr (FRESH WITHIN duration)?;

factsDecl: FACTS ident title? LBRACE factsItem* RBRACE;
factsItem: property | schemaBlock;
schemaBlock: SCHEMA LBRACE fieldList RBRACE;
fieldList: (fieldDecl COMMA?)*;
fieldDecl: fieldName COLON typeExpr;
typeExpr: baseType QUESTION?;
baseType
    : ident (LT typeExpr GT)?            # namedType
    | LBRACE fieldList RBRACE            # recordType
    | STRING (PIPE STRING)*              # enumType
    ;

frameworkDecl: FRAMEWORK ident title? LBRACE frameworkItem* RBRACE;
frameworkItem: property | groupDecl | requirementDecl;
groupDecl: GROUP STRING title? LBRACE frameworkItem* RBRACE;
requirementDecl: REQUIREMENT reqId title? (LBRACE property* RBRACE)?;

crosswalkDecl: CROSSWALK ident ARROW ident title? LBRACE crosswalkItem* RBRACE;
crosswalkItem: property | relation | gap;
relation: reqId ARROW reqId ident STRING?;
// A requirement with no counterpart on the other side, and why.
gap: NONE ARROW reqId STRING | reqId ARROW NONE STRING;

applicabilityDecl: APPLICABILITY ident LBRACE exclusion* RBRACE;
exclusion: EXCLUDE reqId BECAUSE text;

exceptionDecl: EXCEPTION ident title? LBRACE property* RBRACE;

property: ident ASSIGN value;
value: EVERY duration | expr;
title: STRING;
text: STRING | PROSE;

// A requirement reference: the framework, a dot, then the requirement's own
// identifier (`iso27001.A.5.17`, `soc2.CC6.1`). The identifier is written
// without spaces; the AST builder checks that its pieces touch.
reqRef: ident DOT reqId;
reqId: reqAtom (DOT reqAtom)*;
reqAtom: ID | INT | NUMBER;

duration: INT unit;
unit: DAYS | WEEKS | MONTHS | YEARS;

// Expressions, from the loosest binding to the tightest.
expr: orExpr;
orExpr: andExpr (OR andExpr)*;
andExpr: notExpr (AND notExpr)*;
notExpr
    : NOT notExpr
    | quantifier
    | comparison
    ;
// The body of a quantifier extends as far to the right as it can.
quantifier: (ALL | ANY) ident IN additive (WHERE orExpr)? COLON expr;
comparison: additive (compOp additive)?;
compOp: EQEQ | NEQ | LT | LE | GT | GE | IN | NOT IN;
additive: unary ((PLUS | MINUS) unary)*;
unary: MINUS unary | postfix;
postfix: primary (DOT fieldName)*;
primary
    : literal                                                   # literalExpr
    | COUNT LPAREN ident IN additive (WHERE expr)? RPAREN       # countExpr
    | ident LPAREN (expr (COMMA expr)*)? RPAREN                 # callExpr
    | ident                                                     # nameExpr
    | LPAREN expr RPAREN                                        # parenExpr
    | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK                # listExpr
    ;
literal: TRUE | FALSE | NONE | STRING | PROSE | DATE | NUMBER | duration | INT;

ident: ID;
// Record fields may reuse keywords (`count`, `group`, `days`).
fieldName
    : ID | PROJECT | ROLE | POLICY | CONTROL | FACTS | FRAMEWORK | GROUP
    | REQUIREMENT | CROSSWALK | APPLICABILITY | EXCEPTION | SECTION | STATEMENT
    | SATISFIES | EXPECT | EVIDENCE | FRESH | WITHIN | EVERY | SCHEMA | LINT
    | EXCLUDE | BECAUSE | ALL | ANY | COUNT | WHERE | IN | AND | OR | NOT
    | ELSE | TRUE | FALSE | NONE | DAYS | WEEKS | MONTHS | YEARS
    ;
