/**
 * Multi-task components from code: `node --import tsx packages/mtrl/examples/compose-components.ts`.
 * Builds the CARE recipe for MT-Pendulum's four tasks (whose descriptions feed CARE's metadata
 * encoder), swaps in a multi-head actor, makes a few updates and prints how the mixture routes.
 */
import { findTaskDescriber, findTaskSet, make, Rng } from "@mtrl/mtenv";
import { loadKernels } from "@mtrl/nn";
import { MTSACAgent, ReplayBuffer, TaskContext, composeConfig, components, type MixtureEncoder } from "@mtrl/mtrl";

// The env describes its tasks in words; the metadata task encoder turns them into vectors.
const env = make("MT-Pendulum-v0");
const describe = findTaskDescriber(env)!;
const taskStates = findTaskSet(env)!;
const tasks = { names: taskStates.map((_, i) => `task${i}`), descriptions: taskStates.map((state) => describe(state)) };
env.close();
console.log(tasks.descriptions[1]);

// A recipe plus a key, as on the command line.
const { config } = composeConfig(["agent=care", "agent.actor.head=multi-head", "agent.batchSize=64"]);
const dims = { observationSize: 3, actionSize: 1, numTasks: tasks.names.length };
const agent = new MTSACAgent(config.agent, dims, await loadKernels(), /* seed */ 1, tasks);

// A few updates from random transitions.
const replay = new ReplayBuffer({ capacity: 10_000, ...dims });
const rng = Rng.fromSeed(1, "data");
for (let i = 0; i < 500; i++) {
  const observation = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-8, 8)];
  replay.add(i % 4, observation, 0, [rng.uniform(-1, 1)], 0, -rng.uniform(0, 10), observation, 0, false);
}
const batch = replay.createBatch(config.agent.batchSize);
let metrics = {};
for (let u = 0; u < 5; u++) metrics = agent.update(replay.sample(batch, rng, "per-task-balanced"), u);
console.log(JSON.stringify(metrics));

// The critic's mixture of encoders: each task's attention over the 4 experts.
const encoder = agent.critic.encoder as MixtureEncoder;
agent.engine.beginStep();
const context = TaskContext.ofAllTasks(agent.engine, 4);
context.setTaskEncodings(agent.engine.noGrad(() => agent.taskEncoder.encode(context)));
const weights = encoder.routingWeights(context);
console.log(`routing weights per task: ${JSON.stringify(Array.from({ length: 4 }, (_, t) => Array.from(weights.data.subarray(t * 4, t * 4 + 4), (w) => Number(w.toFixed(3)))))}`);
console.log(`encoders available: ${components.list("encoder").map((entry) => entry.type).join(", ")}`);
