// What the XS linker would warn about when our modules are preloaded (SDK documentation/xs/XS linker
// warnings.md; xs/tools/xslSlot.c, fxCheckAliases): after preload, every object that is not frozen and
// every closure variable that is not const, reachable from a module's exports, stays writable through an
// alias in RAM, and the linker prints
//   ### warning: "module": path: not frozen      (an object, array or instance)
//   ### warning: "module": f() v: no const       (a let, var or parameter a function keeps)
// Functions, class prototypes, Maps, Sets, typed arrays, ArrayBuffers, RegExps and Promises are frozen by
// the linker itself. This file finds the rest without the SDK, in two ways:
// - statically (TypeScript's checker over the device modules): module-level let/var and enums; module-level
//   objects, arrays and instances not passed through Object.freeze, nested ones included; class static
//   fields and prototype properties holding such objects; and functions made while modules preload (at
//   module level, or inside a function the module level calls) that keep a let, var or parameter;
// - by running the preloaded modules (on Node, the SDK modules stubbed) and walking everything their
//   exports reach, as the linker does: an object on that walk that is not frozen is reported with its path.
// The static part cannot follow objects made by calls; the walk cannot see inside closures: together they
// cover what each misses, except an object reached only through a closure.
import { build } from "esbuild";
import { createRequire } from "node:module";
import { relative } from "node:path";
import vm from "node:vm";

const require = createRequire(import.meta.url);
const ts = require("typescript");

/** Instances the linker freezes itself (fxPrepareHeap), as `new` expressions and as objects met on the walk. */
const LINKER_FROZEN_CLASSES = ["Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "ArrayBuffer", "SharedArrayBuffer",
  "DataView", "Uint8Array", "Int8Array", "Uint8ClampedArray", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array", "Float32Array",
  "Float64Array", "BigInt64Array", "BigUint64Array", "RegExp", "Promise", "Proxy"];

const FIX_OBJECT = "freeze it (Object.freeze, what it holds included) or make it at run time";
const FIX_BINDING = "make it a const, or make the function at run time";

// ---------------------------------------------------------------- static

function isFunctionLike(node) {
  return ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node);
}

function unwrap(node) {
  while (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isNonNullExpression(node) ||
    ts.isTypeAssertionExpression(node)) node = node.expression;
  return node;
}

function isObjectFreeze(node) {
  node = unwrap(node);
  return ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === "freeze" &&
    ts.isIdentifier(node.expression.expression) && node.expression.expression.text === "Object";
}

function hasModifier(node, kind) {
  return (ts.canHaveModifiers(node) ? ts.getModifiers(node) ?? [] : []).some((m) => m.kind === kind);
}

/**
 * The objects an expression leaves behind that are not frozen, as [node, what] pairs. `frozen`: the
 * expression's own result goes through Object.freeze (what it holds still counts).
 */
function unfrozenIn(expression, checker, frozen = false) {
  const out = [];
  const visit = (node, isFrozen) => {
    node = unwrap(node);
    if (isObjectFreeze(node)) {
      const arg = unwrap(node).arguments[0];
      if (arg) visit(arg, true);
      return;
    }
    if (ts.isObjectLiteralExpression(node)) {
      if (!isFrozen) out.push([node, "an object literal"]);
      for (const property of node.properties) {
        if (ts.isPropertyAssignment(property)) visit(property.initializer, false);
      }
      return;
    }
    if (ts.isArrayLiteralExpression(node)) {
      if (!isFrozen) out.push([node, "an array literal"]);
      for (const element of node.elements) if (!ts.isSpreadElement(element) && !ts.isOmittedExpression(element)) visit(element, false);
      return;
    }
    if (ts.isNewExpression(node)) {
      const name = ts.isIdentifier(node.expression) ? node.expression.text : node.expression.getText();
      if (!isFrozen && !LINKER_FROZEN_CLASSES.includes(name) && !(checker && constructsFrozen(node, checker))) out.push([node, `a ${name} instance`]);
      return;
    }
    if (ts.isConditionalExpression(node)) { visit(node.whenTrue, isFrozen); visit(node.whenFalse, isFrozen); return; }
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(node.operatorToken.kind)) {
      visit(node.left, isFrozen); visit(node.right, isFrozen); return;
    }
    if (ts.isCallExpression(node) && !isFrozen && checker) {
      // The result of a call kept at module level: an object unless its type says otherwise, or the
      // function (ours) returns only what Object.freeze returns.
      const type = checker.getTypeAtLocation(node);
      if (isObjectValueType(type, checker) && !returnsFrozen(node, checker)) out.push([node, `the object ${node.expression.getText()}() returns`]);
    }
  };
  visit(expression, frozen);
  return out;
}

/** `new X(...)` of a class of ours whose constructor ends its instances with Object.freeze(this). */
function constructsFrozen(node, checker) {
  let symbol = checker.getSymbolAtLocation(node.expression);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const cls = symbol?.declarations?.find((d) => ts.isClassLike(d));
  const constructor = cls?.members.find((m) => ts.isConstructorDeclaration(m) && m.body);
  return Boolean(constructor?.body.statements.some((s) => ts.isExpressionStatement(s) && isObjectFreeze(s.expression) &&
    s.expression.arguments[0]?.kind === ts.SyntaxKind.ThisKeyword));
}

/** The call is to a function of ours whose every return is an Object.freeze(...) (or a call to such a function). */
function returnsFrozen(call, checker, depth = 0) {
  if (depth > 4) return false;
  let symbol = checker.getSymbolAtLocation(call.expression);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.declarations?.find((d) => isFunctionLike(d) && d.body);
  if (!declaration) return false;
  const returned = [];
  if (!ts.isBlock(declaration.body)) returned.push(declaration.body);
  else {
    const walk = (node) => {
      if (isFunctionLike(node) || ts.isClassLike(node)) return;
      if (ts.isReturnStatement(node)) returned.push(node.expression);
      ts.forEachChild(node, walk);
    };
    ts.forEachChild(declaration.body, walk);
  }
  return returned.length > 0 && returned.every((e) => e && (isObjectFreeze(e) || (ts.isCallExpression(unwrap(e)) && returnsFrozen(unwrap(e), checker, depth + 1)) ||
    unwrap(e).kind === ts.SyntaxKind.UndefinedKeyword || (ts.isIdentifier(unwrap(e)) && unwrap(e).text === "undefined")));
}

/** A type whose values are objects the linker would alias (not primitives, functions or linker-frozen instances). */
function isObjectValueType(type, checker) {
  if (type.isUnion()) return type.types.some((t) => isObjectValueType(t, checker));
  if (!(type.flags & ts.TypeFlags.Object)) return false;
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return false;
  const name = type.getSymbol()?.getName();
  if (name && LINKER_FROZEN_CLASSES.includes(name)) return false;
  // Readonly<...> and `as const` do not freeze anything, but Object.freeze's return type says frozen.
  return true;
}

const line = (source, node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

/** Module-level state: let/var/enum/namespace, and objects kept at module level, in class statics or on prototypes. */
function moduleLevelProblems(source, checker, root, flagged) {
  const problems = [];
  const where = (node) => `${relative(root, source.fileName)}:${line(source, node)}`;
  const objects = (expression, label) => {
    for (const [node, what] of unfrozenIn(expression, checker)) {
      problems.push(`${where(node)}: ${label} holds ${what} that is not frozen: the XS linker warns "not frozen"; ${FIX_OBJECT}`);
    }
  };
  const statics = (cls, className) => {
    for (const member of cls.members) {
      if (ts.isPropertyDeclaration(member) && hasModifier(member, ts.SyntaxKind.StaticKeyword) && member.initializer) {
        objects(member.initializer, `static ${className}.${member.name.getText(source)}`);
      }
      if (ts.isClassStaticBlockDeclaration(member)) {
        problems.push(`${where(member)}: a static block in ${className} runs while modules preload; set what it sets in frozen statics instead`);
      }
    }
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause?.namedBindings && ts.isNamespaceImport(statement.importClause.namedBindings) &&
      !statement.importClause.isTypeOnly) {
      const name = statement.importClause.namedBindings.name.text;
      problems.push(`${where(statement)}: namespace import "* as ${name}": the XS linker warns "no const" when a function uses it; import the names one by one`);
    } else if (ts.isVariableStatement(statement)) {
      const flags = statement.declarationList.flags;
      for (const declaration of statement.declarationList.declarations) {
        const name = declaration.name.getText(source);
        if (!(flags & ts.NodeFlags.Const)) {
          problems.push(`${where(declaration)}: module-level ${flags & ts.NodeFlags.Let ? "let" : "var"} "${name}": the XS linker warns "no const"; ${FIX_BINDING}`);
        }
        if (declaration.initializer) {
          const before = problems.length;
          objects(declaration.initializer, `module-level "${name}"`);
          if (problems.length > before) flagged.add(`${source.fileName}#${name}`);
          const init = unwrap(declaration.initializer);
          if (ts.isClassExpression(init)) statics(init, name);
        }
      }
    } else if (ts.isEnumDeclaration(statement) && !hasModifier(statement, ts.SyntaxKind.ConstKeyword)) {
      problems.push(`${where(statement)}: enum ${statement.name.text} compiles to a var and an object that is not frozen: use a const enum or frozen constants`);
    } else if (ts.isModuleDeclaration(statement) && !hasModifier(statement, ts.SyntaxKind.DeclareKeyword)) {
      problems.push(`${where(statement)}: namespace ${statement.name.getText(source)} compiles to a var and an object that is not frozen: use module-level consts`);
    } else if (ts.isClassDeclaration(statement)) {
      statics(statement, statement.name?.text ?? "default");
    } else if (ts.isExportAssignment(statement)) {
      objects(statement.expression, "export default");
    } else if (ts.isExpressionStatement(statement)) {
      const expression = unwrap(statement.expression);
      if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        objects(expression.right, expression.left.getText(source));
      } else if (ts.isCallExpression(expression) && ts.isPropertyAccessExpression(expression.expression) &&
        ts.isIdentifier(expression.expression.expression) && expression.expression.expression.text === "Object") {
        // Object.defineProperty(target, name, { value }), defineProperties(target, { name: { value } }), assign(target, { ... })
        const method = expression.expression.name.text;
        const target = expression.arguments[0]?.getText(source) ?? "?";
        const valueOf = (descriptor, label) => {
          descriptor = descriptor && unwrap(descriptor);
          if (!descriptor || !ts.isObjectLiteralExpression(descriptor)) return;
          for (const p of descriptor.properties) {
            if (ts.isPropertyAssignment(p) && p.name.getText(source) === "value") objects(p.initializer, label);
          }
        };
        if (method === "defineProperty") valueOf(expression.arguments[2], `${target}.${expression.arguments[1]?.getText(source)}`);
        else if (method === "defineProperties" && expression.arguments[1]) {
          const all = unwrap(expression.arguments[1]);
          if (ts.isObjectLiteralExpression(all)) {
            for (const p of all.properties) if (ts.isPropertyAssignment(p)) valueOf(p.initializer, `${target}.${p.name.getText(source)}`);
          }
        } else if (method === "assign") {
          for (const arg of expression.arguments.slice(1)) {
            const literal = unwrap(arg);
            if (ts.isObjectLiteralExpression(literal)) {
              for (const p of literal.properties) if (ts.isPropertyAssignment(p)) objects(p.initializer, `${target}.${p.name.getText(source)}`);
            }
          }
        }
      }
    }
  }
  return problems;
}

/** The declaration a call or `new` resolves to, when it is code in one of `files` (aliases followed). */
function calleeDeclarations(node, checker, files) {
  let symbol = checker.getSymbolAtLocation(ts.isCallExpression(node) || ts.isNewExpression(node) ? node.expression : node);
  if (!symbol) return [];
  if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return (symbol.declarations ?? []).filter((d) => files.has(d.getSourceFile().fileName));
}

/**
 * Functions made while modules preload that keep a let, var or parameter of the code that made them.
 * What runs at preload: each module's top level, and what it calls or constructs in our modules, and so on;
 * a function handed to such a call (directly or in an object literal) is taken to run too.
 */
function preloadClosureProblems(sources, checker, root) {
  const files = new Set(sources.map((s) => s.fileName));
  const problems = new Set();
  const seen = new Set();
  const queue = [];
  const enqueue = (node) => { if (node && !seen.has(node)) { seen.add(node); queue.push(node); } };

  /** The const bindings a running body owns whose value is an object that is not frozen: [name node, what]. */
  const constObjects = (body) => {
    const found = new Map();
    const walk = (node) => {
      if (node !== body && (isFunctionLike(node) || ts.isClassLike(node))) return;
      if (ts.isVariableDeclarationList(node) && (node.flags & ts.NodeFlags.Const)) {
        for (const d of node.declarations) {
          if (!ts.isIdentifier(d.name) || !d.initializer) continue;
          const unfrozen = unfrozenIn(d.initializer, checker);
          if (unfrozen.length) found.set(d.name, unfrozen[0][1]);
        }
      }
      ts.forEachChild(node, walk);
    };
    walk(body.body ?? body);
    return found;
  };

  /** The bindings a running body (a function, or a module's top level) owns that are not const. */
  const mutableBindings = (body) => {
    const names = new Map(); // declaration node -> kind
    const addName = (name, kind) => {
      if (ts.isIdentifier(name)) names.set(name, kind);
      else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addName(element.name, kind);
    };
    if (!ts.isSourceFile(body)) for (const p of body.parameters) addName(p.name, "parameter");
    const walk = (node) => {
      if (node !== body && (isFunctionLike(node) || ts.isClassLike(node))) return;
      if (ts.isVariableDeclarationList(node) && !(node.flags & ts.NodeFlags.Const)) {
        for (const d of node.declarations) addName(d.name, node.flags & ts.NodeFlags.Let ? "let" : "var");
      }
      if (ts.isCatchClause(node) && node.variableDeclaration) addName(node.variableDeclaration.name, "catch binding");
      ts.forEachChild(node, walk);
    };
    walk(ts.isSourceFile(body) ? body : body.body ?? body);
    return names;
  };

  /** Functions and classes made when `body` runs (not those made by them), and the calls it makes. */
  const runBody = (body) => {
    const made = [];
    const walk = (node) => {
      if (node !== body && (isFunctionLike(node) || ts.isClassLike(node))) {
        made.push(node);
        if (ts.isClassLike(node)) {
          // Its static initializers run now; its constructor when something constructs it.
          for (const member of node.members) if (ts.isPropertyDeclaration(member) && hasModifier(member, ts.SyntaxKind.StaticKeyword) && member.initializer) walk(member.initializer);
        }
        return;
      }
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        for (const declaration of calleeDeclarations(node, checker, files)) {
          if (isFunctionLike(declaration)) enqueue(declaration);
          else if (ts.isVariableDeclaration(declaration) && declaration.initializer && isFunctionLike(unwrap(declaration.initializer))) enqueue(unwrap(declaration.initializer));
          else if (ts.isClassLike(declaration)) {
            for (const member of declaration.members) if (ts.isConstructorDeclaration(member)) enqueue(member);
          }
        }
        const handed = (arg) => {
          arg = unwrap(arg);
          if (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) enqueue(arg);
          else if (ts.isObjectLiteralExpression(arg)) {
            for (const p of arg.properties) {
              if (ts.isPropertyAssignment(p)) handed(p.initializer);
            }
          }
        };
        if (calleeDeclarations(node, checker, files).length > 0) for (const arg of node.arguments ?? []) handed(arg);
      }
      ts.forEachChild(node, walk);
    };
    walk(ts.isSourceFile(body) ? body : body.body ?? body);
    return made;
  };

  for (const source of sources) enqueue(source);
  while (queue.length) {
    const body = queue.shift();
    const made = runBody(body);
    if (ts.isSourceFile(body)) continue; // module-level let/var: moduleLevelProblems reports them
    const mutable = mutableBindings(body);
    const objectConsts = constObjects(body);
    if (mutable.size === 0 && objectConsts.size === 0) continue;
    const source = body.getSourceFile();
    const owner = ts.isConstructorDeclaration(body) ? `${body.parent.name?.text ?? "class"} constructor`
      : body.name ? body.name.getText(source) : "a function";
    for (const fn of made) {
      const kept = new Set();
      const keptObjects = new Set();
      const visit = (node) => {
        if (ts.isIdentifier(node)) {
          const symbol = ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node
            ? checker.getShorthandAssignmentValueSymbol(node.parent) : checker.getSymbolAtLocation(node);
          for (const d of symbol?.declarations ?? []) {
            const name = ts.isVariableDeclaration(d) || ts.isParameter(d) || ts.isBindingElement(d) ? d.name : undefined;
            if (name && ts.isIdentifier(name) && mutable.has(name)) kept.add(`${name.text} (${mutable.get(name)})`);
            if (name && ts.isIdentifier(name) && objectConsts.has(name)) keptObjects.add(`${name.text}, ${objectConsts.get(name)}`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(fn);
      for (const k of kept) {
        problems.add(`${relative(root, source.fileName)}:${line(source, fn)}: ${owner} runs while modules preload and makes a function that keeps ${k}: ` +
          `the XS linker warns "no const"; ${FIX_BINDING}`);
      }
      for (const k of keptObjects) {
        problems.add(`${relative(root, source.fileName)}:${line(source, fn)}: ${owner} runs while modules preload and makes a function that keeps ${k} that is not frozen: ` +
          `the XS linker warns "not frozen"; ${FIX_OBJECT}`);
      }
    }
  }
  return [...problems];
}

/**
 * Everything the static half finds in the device modules (TypeScript source files of `program`), and the
 * module-level names it found objects in ("<file>#<name>", so the walk does not report them twice).
 */
export function staticPreloadProblems(program, deviceFiles, root) {
  const checker = program.getTypeChecker();
  const sources = [...deviceFiles].map((f) => program.getSourceFile(f)).filter(Boolean);
  const flagged = new Set();
  const problems = [...sources.flatMap((s) => moduleLevelProblems(s, checker, root, flagged)), ...preloadClosureProblems(sources, checker, root)];
  return { problems, flagged };
}

// ---------------------------------------------------------------- dynamic

/** Stand-ins for the SDK modules our device modules import: just enough to load them, as at preload. */
function sdkStubs(config) {
  return {
    "timer": "export default class Timer { static set() { return {}; } static repeat() { return {}; } static clear() {} static schedule() {} }",
    "time": "export default class Time { static get ticks() { return 0; } }",
    "mc/config": `export default ${JSON.stringify(config)};`,
    "Resource": "export default class Resource { static exists() { return false; } }",
    "modules": "export default { has() { return false; }, importNow() { return undefined; } };",
    "net": "export default class Net { static resolve() {} }",
    "embedded:io/socket/tcp": "export default class TCP {}",
    "embedded:io/socket/listener": "export default class Listener {}",
    "wsx-tls": "export class TlsHost {} export class TlsSession {} export default Object.freeze({ host() { return {}; }, mbedtlsVersion() { return \"\"; } });",
  };
}

/** Runs in the loaded realm: walks what each module's exports reach and names every object not frozen. */
function walkExports(namespaces, frozenClasses) {
  const problems = [];
  const visited = new WeakSet();
  const builtins = new Set();
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    const value = globalThis[name];
    if ((typeof value === "function" || (typeof value === "object" && value !== null))) {
      builtins.add(value);
      if (typeof value === "function" && value.prototype) builtins.add(value.prototype);
    }
  }
  builtins.add(Object.getPrototypeOf(function* () {}));
  builtins.add(Object.getPrototypeOf(async function () {}));
  const linkerFrozen = (value) => frozenClasses.some((name) => typeof globalThis[name] === "function" && globalThis[name].prototype && value instanceof globalThis[name]);
  const visit = (value, path) => {
    if ((typeof value !== "object" && typeof value !== "function") || value === null || builtins.has(value) || visited.has(value)) return;
    visited.add(value);
    if (typeof value === "function") {
      // Functions are frozen by the linker, and so are constructors' prototypes; what they hold is not.
      for (const key of Reflect.ownKeys(value)) {
        const d = Object.getOwnPropertyDescriptor(value, key);
        if (key === "prototype" && d && typeof d.value === "object" && d.value) { visited.add(d.value); members(d.value, `${path}.prototype`); continue; }
        if (d && "value" in d) visit(d.value, `${path}.${String(key)}`);
      }
      visit(Object.getPrototypeOf(value), `${path}.__proto__`);
      return;
    }
    if (linkerFrozen(value)) return;
    // A class's prototype: the linker freezes it with its constructor.
    const isPrototype = typeof value.constructor === "function" && Object.getOwnPropertyDescriptor(value, "constructor")?.value?.prototype === value;
    if (!isPrototype && !Object.isFrozen(value)) problems.push(path);
    members(value, path);
  };
  const members = (object, path) => {
    for (const key of Reflect.ownKeys(object)) {
      const d = Object.getOwnPropertyDescriptor(object, key);
      if (d && "value" in d) visit(d.value, Array.isArray(object) ? `${path}[${String(key)}]` : `${path}.${String(key)}`);
    }
    visit(Object.getPrototypeOf(object), `${path}.__proto__`);
  };
  for (const [specifier, namespace] of Object.entries(namespaces)) {
    for (const name of Object.keys(namespace)) {
      const before = problems.length;
      visit(namespace[name], `"${specifier}": ${name}`);
      for (let i = before; i < problems.length; i++) problems[i] = { specifier, name, path: problems[i] };
    }
  }
  return problems;
}

/**
 * Load the preloaded modules (and what they import) once, on Node, with the SDK stubbed, then walk their
 * exports. `modules`: specifier -> file of every module our manifests map; `preload`: the specifiers to load;
 * `flagged`: "<file>#<name>" of exports the static half already reported.
 */
export async function dynamicPreloadProblems(modules, preload, config, root, flagged = new Set()) {
  const stubs = sdkStubs(config);
  const all = [...modules.keys()].filter((s) => /\.(ts|js)$/.test(modules.get(s)) && !(s in stubs));
  const entry = all.map((s, i) => `import * as m${i} from ${JSON.stringify(s)};`).join("\n") +
    `\nglobalThis.__preloaded = { ${all.map((s, i) => `${JSON.stringify(s)}: m${i}`).join(", ")} };\n`;
  const result = await build({
    stdin: { contents: entry, resolveDir: root, sourcefile: "preload-entry.js", loader: "js" },
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    target: "es2022",
    logLevel: "silent",
    plugins: [{
      name: "manifest-modules",
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (args.path in stubs) return { path: args.path, namespace: "sdk-stub" };
          if (modules.has(args.path)) return { path: modules.get(args.path) };
          return undefined; // relative imports between our files
        });
        b.onLoad({ filter: /.*/, namespace: "sdk-stub" }, (args) => ({ contents: stubs[args.path], loader: "js" }));
      },
    }],
  });
  const context = vm.createContext({});
  vm.runInContext(result.outputFiles[0].text, context, { filename: "preload.js" });
  context.__frozenClasses = LINKER_FROZEN_CLASSES;
  // Only what a preloaded module's graph reaches is linked; the others are not in the app's flash.
  const loaded = vm.runInContext("globalThis.__preloaded", context);
  const wanted = Object.fromEntries(Object.entries(loaded).filter(([specifier]) => preload.has(specifier)));
  context.__wanted = wanted;
  const found = vm.runInContext(`(${walkExports.toString()})(__wanted, __frozenClasses)`, context);
  return [...found].filter((f) => !flagged.has(`${modules.get(f.specifier)}#${f.name}`))
    .map((f) => `${f.path}: not frozen (found by loading the preloaded modules and walking their exports); ${FIX_OBJECT}`);
}
