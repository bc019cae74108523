import { ConfigError } from "@mtrl/core";

/**
 * Keys users bring from the reference MTRL (Hydra configs with `should_use_*` flags) or from our
 * earlier layout, mapped to what says the same here. Typing one gives an error that names ours,
 * instead of an "unknown key" that leaves the user to guess.
 */
const spellings: ReadonlyArray<readonly [reference: string, ours: string]> = [
  ["agent.multitask.should_use_multi_head_policy", "agent.actor.head=multi-head (and agent.critic.head=multi-head for multi-head critics), or agent=mtmhsac"],
  ["agent.multitask.should_use_task_encoder", "agent.taskEncoder.type=learned (or metadata), or agent=mtsac-task-encoder"],
  ["agent.multitask.should_use_disentangled_alpha", "agent.alpha.type=per-task (or shared)"],
  ["agent.multitask.should_use_pretrained_task_encoder", "agent.taskEncoder.type=metadata agent.taskEncoder.file=<path to {\"task\": [floats]} JSON>"],
  ["agent.multitask.task_encoder_cfg", "agent.taskEncoder.* (type, embeddingSize, hiddenSizes, outputSize, file)"],
  ["agent.multitask.should_use_soft_modularization", "agent.actor.trunk.type=soft-modularization agent.critic.trunk.type=soft-modularization, or agent=soft-modularization"],
  ["agent.multitask.num_envs", "env.numTasks"],
  ["agent.multitask.contrastive", "agent.auxiliary.contrastiveWeight (with agent=hipbmdp)"],
  ["agent.multitask", "the component keys agent.taskEncoder, agent.encoder, agent.actor.trunk/head, agent.critic.trunk/head (see `npx mtrl list`)"],
  ["agent.encoder.type_to_select", "agent.encoder.type=identity|mlp|moe"],
  ["agent.encoder.moe.num_experts", "agent.encoder.numExperts"],
  ["agent.encoder.moe.mode", "agent.encoder.routing=identity|ensemble|cluster|gate|attention"],
  ["agent.encoder.moe", "agent.encoder.type=moe with agent.encoder.numExperts, agent.encoder.routing, agent.encoder.topK"],
  ["agent.encoder.film", "agent.actor.trunk.type=film agent.critic.trunk.type=film, or agent=film"],
  ["agent.encoder.feedforward", "agent.encoder.type=mlp with agent.encoder.hiddenSizes and agent.encoder.featureSize"],
  ["agent.encoder_tau", "agent.critic.encoderTau"],
  ["agent.critic_tau", "agent.critic.tau"],
  ["agent.actor_update_freq", "agent.actor.updateEvery"],
  ["agent.critic_target_update_freq", "agent.critic.targetUpdateEvery"],
  ["agent.init_temperature", "agent.alpha.initTemperature"],
  ["agent.batch_size", "agent.batchSize"],
  ["replay_buffer.batch_size", "agent.batchSize"],
  ["replay_buffer.capacity", "agent.replay.capacity"],
  ["agent.actor.hidden_dim", "agent.actor.trunk.hiddenSizes=[400, 400, 400]"],
  ["agent.actor.num_layers", "agent.actor.trunk.hiddenSizes (one width per layer)"],
  ["agent.critic.hidden_dim", "agent.critic.trunk.hiddenSizes=[400, 400, 400]"],
  ["agent.critic.num_layers", "agent.critic.trunk.hiddenSizes (one width per layer)"],
  ["agent.actor.hiddenSizes", "agent.actor.trunk.hiddenSizes (the hidden layers are the actor's trunk component now)"],
  ["agent.critic.hiddenSizes", "agent.critic.trunk.hiddenSizes (the hidden layers are the critic's trunk component now)"],
  ["agent.distral_alpha", "agent.distillation.alpha (with agent=distral)"],
  ["agent.distral_beta", "agent.distillation.beta (with agent=distral)"],
  ["agent.gradnorm_cfg.alpha", "agent.gradient.alpha (with agent=gradnorm)"],
  ["agent.transition_model", "agent.auxiliary.transition.type=deterministic|probabilistic and agent.auxiliary.transition.layerWidth (with agent=deepmdp or agent=hipbmdp)"],
  ["agent.transition", "agent.auxiliary.transition.type=deterministic|probabilistic (the transition model belongs to the auxiliary loss of agent=deepmdp or agent=hipbmdp)"],
  ["setup", "nothing: there is no setup group; choose env=metaworld-mt10 (or another env option) directly"],
];

/** Reference agent names (`agent=state_sac`) and ours. */
const agentOptions: Readonly<Record<string, string>> = {
  state_sac: "agent=mtsac",
  sac: "agent=mtsac",
  pcgrad_state_sac: "agent=pcgrad (or agent.gradient.type=pcgrad on any recipe)",
  gradnorm_state_sac: "agent=gradnorm (or agent.gradient.type=gradnorm on any recipe)",
};

/** Throws a ConfigError naming our spelling when `key` (as typed, dotted) is a known foreign one. */
export function rejectReferenceSpelling(key: string, argument: string): void {
  for (const [reference, ours] of spellings) {
    if (key === reference || key.startsWith(`${reference}.`)) {
      throw new ConfigError(`${argument}: "${reference}" is the reference MTRL's spelling (or an old key); here use ${ours}.`);
    }
  }
}

/** Throws a ConfigError naming our option when `agent=<option>` is a reference agent name. */
export function rejectReferenceAgentOption(option: string, argument: string): void {
  const ours = agentOptions[option];
  if (ours !== undefined) throw new ConfigError(`${argument}: "${option}" is the reference MTRL's agent name; here use ${ours}.`);
}
