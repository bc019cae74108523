import assert from "node:assert/strict";
import { test } from "node:test";
import { blasVersion, formatBlasIdentity, identifyBlas, resolveLoadedFile } from "./blas-identity.js";

const debianOpenblas = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so";
const debianShim = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3";
const debianReference = "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0";

test("a bare library name resolves to the file the linker mapped for it", () => {
  const mapped = ["/usr/bin/node", "/usr/lib/x86_64-linux-gnu/libc.so.6", debianOpenblas];
  assert.equal(resolveLoadedFile("libopenblas.so.0", mapped), debianOpenblas);
  assert.equal(resolveLoadedFile("libblas.so.3", [...mapped, debianReference]), debianReference);
  assert.equal(resolveLoadedFile("libmkl_rt.so", mapped), "libmkl_rt.so", "unknown: the name itself");
});

test("the BLAS family and version come from the file names", () => {
  assert.equal(blasVersion(debianOpenblas, "Zen", []), "OpenBLAS 0.3.21");
  assert.equal(blasVersion(debianShim, "Haswell", [debianShim, debianOpenblas]), "OpenBLAS 0.3.21", "Debian's libblas.so.3 front of OpenBLAS");
  assert.equal(blasVersion("/opt/OpenBLAS/lib/libopenblas.so", "Zen", []), "OpenBLAS");
  assert.equal(blasVersion(debianReference, "", []), "reference BLAS 3.11.0");
  assert.equal(blasVersion("/opt/intel/oneapi/mkl/lib/libmkl_rt.so.2", "", []), "MKL");
  assert.equal(blasVersion("/usr/lib/libsomeblas.so", "", []), null);
});

test("the identity of a path that does not exist is its name, zero bytes, and whatever the name reveals", () => {
  const identity = identifyBlas("/nonexistent/libblas.so.3", "", []);
  assert.deepEqual(identity, { loadedAs: "/nonexistent/libblas.so.3", path: "/nonexistent/libblas.so.3", bytes: 0, version: null, core: "" });
  assert.equal(formatBlasIdentity(identity), "/nonexistent/libblas.so.3");
  assert.equal(
    formatBlasIdentity({ loadedAs: "libopenblas.so.0", path: debianOpenblas, bytes: 1, version: "OpenBLAS 0.3.21", core: "Zen" }),
    `OpenBLAS 0.3.21 ${debianOpenblas}, core Zen`,
  );
});
