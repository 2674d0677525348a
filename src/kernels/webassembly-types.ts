// The subset of the WebAssembly JS API that embedkit uses. @types/node does not declare it and
// lib.dom would drag browser globals into a Node library, so it is declared here.
/* eslint-disable @typescript-eslint/no-namespace, @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-function-type --
   declarations of the global WebAssembly namespace, as the JS API defines it */
declare global {
  namespace WebAssembly {
    interface MemoryDescriptor {
      initial: number;
      maximum?: number;
      shared?: boolean;
    }
    class Memory {
      constructor(descriptor: MemoryDescriptor);
      readonly buffer: ArrayBuffer | SharedArrayBuffer;
      grow(delta: number): number;
    }
    class Module {
      constructor(bytes: ArrayBufferView | ArrayBuffer);
      static imports(module: Module): { module: string; name: string; kind: string }[];
    }
    class Global {
      value: any;
    }
    type ExportValue = Function | Global | Memory;
    type Exports = Record<string, ExportValue>;
    type Imports = Record<string, Record<string, ExportValue | number>>;
    class Instance {
      constructor(module: Module, imports?: Imports);
      readonly exports: Exports;
    }
    function compile(bytes: ArrayBufferView | ArrayBuffer): Promise<Module>;
    function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
  }
}
export {};
