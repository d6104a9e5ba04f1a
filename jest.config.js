// ESM jest setup (NestJS 12 is ESM-only): see shared notes/toolchain.md.
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: {
    '^@libs/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
  rootDir: '.',
};

export default {
  // Jest's 5 s default also bounds beforeAll hooks, and opening an app on a fresh PGlite takes
  // 2–6 s on a loaded 2-core machine: a slow machine must not turn CI red. Real hangs still fail.
  // (testTimeout is a global option: jest ignores it inside a project.)
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'] },
  ],
};
