import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import type { SceneGeometry, ScenePoses } from "../src/worker-protocol.js";

/** MuJoCo's geom type codes (mjtGeom). */
const GEOM = { plane: 0, sphere: 2, capsule: 3, ellipsoid: 4, cylinder: 5, box: 6 } as const;
/** Geom groups MuJoCo's own viewer shows by default; groups 3 and up hold collision-only shapes. */
const VISIBLE_GROUPS = 3;

/**
 * The 3-D view: one three.js mesh per visible MuJoCo geom, built from the model's geom types,
 * sizes and colours, and moved every step to the geom's world pose (MuJoCo's geom_xpos and
 * geom_xmat). MuJoCo is z-up, so the camera is too. Mesh geoms (none in the shipped envs) are skipped.
 */
export class SceneView {
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera: THREE.PerspectiveCamera;
  private readonly controls: OrbitControls;
  private meshes: Array<THREE.Mesh | null> = [];
  private readonly matrix = new THREE.Matrix4();

  constructor(private readonly canvas: HTMLCanvasElement) {
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, globalThis.devicePixelRatio || 1));
    this.scene.background = new THREE.Color(0xdde3ea);
    this.camera = new THREE.PerspectiveCamera(45, 1, 0.01, 50);
    this.camera.up.set(0, 0, 1);
    this.camera.position.set(0.85, 0.05, 0.65);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.target.set(0, 0.65, 0.1);
    // Points the camera at the target (OrbitControls only does so on update).
    this.controls.update();
    this.controls.addEventListener("change", () => this.render());
    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x667788, 1.6));
    const sun = new THREE.DirectionalLight(0xffffff, 1.8);
    sun.position.set(1, -1, 3);
    this.scene.add(sun);
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  /** Removes every geom (an env without a MuJoCo model has nothing to draw). */
  clear(): void {
    for (const mesh of this.meshes) if (mesh !== null) this.scene.remove(mesh);
    this.meshes = [];
    this.render();
  }

  /** Replaces the meshes with the geoms of a (new) model. */
  setGeometry(geometry: SceneGeometry, poses: ScenePoses): void {
    this.clear();
    for (let g = 0; g < geometry.geomCount; g++) {
      const alpha = geometry.geomRgba[4 * g + 3]!;
      const shape = geometry.geomGroup[g]! < VISIBLE_GROUPS && alpha > 0 ? shapeOf(geometry.geomType[g]!, geometry.geomSize.subarray(3 * g, 3 * g + 3)) : null;
      if (shape === null) {
        this.meshes.push(null);
        continue;
      }
      const color = new THREE.Color(geometry.geomRgba[4 * g]!, geometry.geomRgba[4 * g + 1]!, geometry.geomRgba[4 * g + 2]!);
      const material = new THREE.MeshStandardMaterial({ color, roughness: 0.7, metalness: 0.05, transparent: alpha < 1, opacity: alpha });
      const mesh = new THREE.Mesh(shape, material);
      mesh.matrixAutoUpdate = false;
      this.scene.add(mesh);
      this.meshes.push(mesh);
    }
    this.setPoses(poses);
  }

  setPoses(poses: ScenePoses): void {
    const { geomXpos: p, geomXmat: m } = poses;
    this.meshes.forEach((mesh, g) => {
      if (mesh === null) return;
      const r = 9 * g;
      const t = 3 * g;
      this.matrix.set(m[r]!, m[r + 1]!, m[r + 2]!, p[t]!, m[r + 3]!, m[r + 4]!, m[r + 5]!, p[t + 1]!, m[r + 6]!, m[r + 7]!, m[r + 8]!, p[t + 2]!, 0, 0, 0, 1);
      mesh.matrix.copy(this.matrix);
      mesh.matrixWorldNeedsUpdate = true;
    });
    this.render();
  }

  render(): void {
    this.renderer.render(this.scene, this.camera);
  }

  private resize(): void {
    const width = this.canvas.clientWidth || 640;
    const height = this.canvas.clientHeight || 480;
    this.renderer.setSize(width, height, false);
    this.camera.aspect = width / height;
    this.camera.updateProjectionMatrix();
    this.render();
  }
}

/** The three.js shape of one geom in its own frame (MuJoCo sizes are half-extents and radii). */
function shapeOf(type: number, size: Float64Array): THREE.BufferGeometry | null {
  const [a, b, c] = [size[0]!, size[1]!, size[2]!];
  switch (type) {
    case GEOM.plane:
      // A plane of size 0 is infinite in MuJoCo: draw 3 m.
      return new THREE.PlaneGeometry(a > 0 ? 2 * a : 3, b > 0 ? 2 * b : 3);
    case GEOM.sphere:
      return new THREE.SphereGeometry(a, 24, 16);
    case GEOM.ellipsoid:
      return new THREE.SphereGeometry(1, 24, 16).scale(a, b, c);
    case GEOM.box:
      return new THREE.BoxGeometry(2 * a, 2 * b, 2 * c);
    // three.js builds capsules and cylinders along y; MuJoCo's run along the geom's z.
    case GEOM.capsule:
      return new THREE.CapsuleGeometry(a, 2 * b, 6, 16).rotateX(Math.PI / 2);
    case GEOM.cylinder:
      return new THREE.CylinderGeometry(a, a, 2 * b, 20).rotateX(Math.PI / 2);
    default:
      return null;
  }
}
