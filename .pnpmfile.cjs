// TypeDoc (the API reference, `npm run docs`) reads the sources through the TypeScript 5 compiler
// API; the workspace's compiler is TypeScript 7, which has no such API. TypeDoc alone gets its
// own TypeScript 5.9 as a plain dependency instead of the workspace's as a peer.
module.exports = {
  hooks: {
    readPackage(pkg) {
      if (pkg.name === 'typedoc') {
        pkg.peerDependencies = { ...pkg.peerDependencies };
        delete pkg.peerDependencies.typescript;
        pkg.dependencies = { ...pkg.dependencies, typescript: '5.9.3' };
      }
      return pkg;
    },
  },
};
