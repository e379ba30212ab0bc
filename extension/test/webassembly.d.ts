// vscode-oniguruma's types (used by test/mdxGrammar.test.ts) name two WebAssembly types that
// TypeScript declares only in its DOM library, which this Node extension does not load. The test
// hands the engine the .wasm bytes, so these stand-ins are all the type-check needs.
declare namespace WebAssembly {
  type ImportValue = unknown;
  interface WebAssemblyInstantiatedSource {
    instance: unknown;
    module: unknown;
  }
}
