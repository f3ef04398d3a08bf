// Indexed walks of a string in device modules. XS keeps a string as UTF-8 (SDK 8.2.3, without a string
// cache on devices): `text.charCodeAt(i)`, `text.charAt(i)`, `text.codePointAt(i)` and `text[i]` find the
// i-th character by scanning from the start, so a loop that indexes a string is quadratic there (issue 20:
// a 60,000-character message took 33-51 s to encode in Moddable's simulator). Walk the string once with
// for...of instead, or compare bytes. Index 0 is free, and an index outside any loop costs one scan.
import { createRequire } from "node:module";
import { relative } from "node:path";

const require = createRequire(import.meta.url);
const ts = require("typescript");

const INDEXING = ["charCodeAt", "charAt", "codePointAt", "at"];
const LOOPS = [ts.SyntaxKind.ForStatement, ts.SyntaxKind.ForOfStatement, ts.SyntaxKind.ForInStatement, ts.SyntaxKind.WhileStatement, ts.SyntaxKind.DoStatement];

function isStringType(type) {
  if (type.isUnion()) return type.types.every(isStringType);
  return (type.flags & ts.TypeFlags.StringLike) !== 0;
}

function inLoop(node) {
  for (let p = node.parent; p; p = p.parent) {
    if (LOOPS.includes(p.kind)) return true;
    if (ts.isFunctionLike(p)) return false;
  }
  return false;
}

const isZero = (node) => ts.isNumericLiteral(node) && Number(node.text) === 0;

/** Every indexed access to a string inside a loop in `files` (TypeScript source files of `program`). */
export function indexedStringWalks(program, files, root) {
  const checker = program.getTypeChecker();
  const problems = [];
  for (const file of files) {
    const source = program.getSourceFile(file);
    if (!source) continue;
    const report = (node, what) => {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      problems.push(`${relative(root, file)}:${line + 1}: ${what} in a loop: XS keeps strings as UTF-8 and finds the i-th character by ` +
        `scanning from the start, so the loop is quadratic on a device; walk the string once with for...of, or compare bytes`);
    };
    const visit = (node) => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && INDEXING.includes(node.expression.name.text) &&
        node.arguments.length > 0 && !isZero(node.arguments[0]) && inLoop(node) && isStringType(checker.getTypeAtLocation(node.expression.expression))) {
        report(node, `${node.expression.getText(source)}(${node.arguments[0].getText(source)})`);
      } else if (ts.isElementAccessExpression(node) && !isZero(node.argumentExpression) && inLoop(node) &&
        isStringType(checker.getTypeAtLocation(node.expression))) {
        report(node, node.getText(source));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return problems;
}
