import { minimum, type ParameterStore, type Tensor } from "@mtrl/nn";
import type { BuildContext, Encoder, Head, Trunk } from "../components/component.js";
import { components } from "../components/builtin-components.js";
import type { TaskContext } from "../components/task-context.js";
import type { MTSACConfig } from "../config/schema.js";

/** Builds one component in its own child group with its own init stream. */
export type ComponentContextFor = (params: ParameterStore, streamPath: readonly string[], inputSize: number, outputSize?: number) => BuildContext;

/** Which parameters of a network belong to one task each, and which form the last layer all tasks share. */
export interface ParameterRoles {
  readonly taskSpecific: readonly Tensor[];
  readonly lastSharedLayer: readonly Tensor[];
}

/** trunk → head: one Q network, or the policy network. */
class TrunkAndHead {
  readonly trunk: Trunk;
  readonly head: Head;
  private readonly trunkParams: ParameterStore;
  private readonly headParams: ParameterStore;

  constructor(params: ParameterStore, trunkConfig: MTSACConfig["actor"]["trunk"], headConfig: MTSACConfig["actor"]["head"], inputSize: number, outputSize: number, contextFor: ComponentContextFor, streamPath: readonly string[]) {
    this.trunkParams = params.child("trunk");
    this.headParams = params.child("head");
    this.trunk = components.build("trunk", trunkConfig, contextFor(this.trunkParams, [...streamPath, "trunk"], inputSize));
    this.head = components.build("head", headConfig, contextFor(this.headParams, [...streamPath, "head"], this.trunk.outputSize, outputSize));
  }

  forward(parts: readonly Tensor[], context: TaskContext): Tensor {
    return this.head.forward(this.trunk.forward(parts, context), context);
  }

  /** A per-task head is task-specific, and then the trunk's last layer is the last shared one (as in the reference). */
  roles(): ParameterRoles {
    if (this.head.taskSpecific === true) return { taskSpecific: this.headParams.tensors, lastSharedLayer: this.trunk.lastLayer ?? this.trunkParams.tensors };
    return { taskSpecific: [], lastSharedLayer: this.headParams.tensors };
  }
}

/**
 * The twin Q networks of SAC behind one encoder: Q_i = head_i(trunk_i([features ‖ task encoding ‖
 * action])). Taking the minimum of two independently initialised critics curbs the overestimation a
 * single critic feeds back into its own target. The encoder is trained by the critic's loss; the
 * actor reads its features detached.
 */
export class Critic {
  readonly encoder: Encoder;
  readonly q1: TrunkAndHead;
  readonly q2: TrunkAndHead;

  constructor(
    readonly params: ParameterStore,
    config: MTSACConfig,
    sizes: { readonly observationSize: number; readonly taskEncodingSize: number; readonly actionSize: number },
    contextFor: ComponentContextFor,
  ) {
    this.encoder = components.build("encoder", config.encoder, contextFor(params.child("encoder"), ["critic", "encoder"], sizes.observationSize));
    const inputSize = this.encoder.outputSize + sizes.taskEncodingSize + sizes.actionSize;
    this.q1 = new TrunkAndHead(params.child("q1"), config.critic.trunk, config.critic.head, inputSize, 1, contextFor, ["critic", "q1"]);
    this.q2 = new TrunkAndHead(params.child("q2"), config.critic.trunk, config.critic.head, inputSize, 1, contextFor, ["critic", "q2"]);
  }

  /** Q1 and Q2 of (features, task encoding, action) — the parts are never concatenated. */
  both(features: Tensor, taskEncoding: Tensor, action: Tensor, context: TaskContext): [Tensor, Tensor] {
    const parts = [features, taskEncoding, action];
    return [this.q1.forward(parts, context), this.q2.forward(parts, context)];
  }

  /** The roles of both Q networks' parameters (the encoder is shared and not a last layer). */
  roles(): ParameterRoles {
    const [first, second] = [this.q1.roles(), this.q2.roles()];
    return { taskSpecific: [...first.taskSpecific, ...second.taskSpecific], lastSharedLayer: [...first.lastSharedLayer, ...second.lastSharedLayer] };
  }

  /** min(Q1, Q2), with gradients flowing into `action` (the actor's loss). */
  minimumOf(features: Tensor, taskEncoding: Tensor, action: Tensor, context: TaskContext): Tensor {
    const [q1, q2] = this.both(features, taskEncoding, action, context);
    return minimum(q1, q2);
  }
}

/** The tanh-Gaussian policy's network: [features ‖ task encoding] → [mean ‖ raw log-std]. */
export class Actor {
  private readonly network: TrunkAndHead;

  constructor(
    readonly params: ParameterStore,
    config: MTSACConfig,
    sizes: { readonly featureSize: number; readonly taskEncodingSize: number; readonly actionSize: number },
    contextFor: ComponentContextFor,
  ) {
    this.network = new TrunkAndHead(params, config.actor.trunk, config.actor.head, sizes.featureSize + sizes.taskEncodingSize, 2 * sizes.actionSize, contextFor, ["actor"]);
  }

  roles(): ParameterRoles {
    return this.network.roles();
  }

  /** [rows, 2 · actions]: the means, then the unsquashed log standard deviations. */
  forward(features: Tensor, taskEncoding: Tensor, context: TaskContext): Tensor {
    return this.network.forward([features, taskEncoding], context);
  }
}
