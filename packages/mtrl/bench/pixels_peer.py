"""PyTorch peer of `npm run bench:pixels`: the same pixel SAC, SAC-AE, DeepMDP and HiP-BMDP updates, timed.

The networks, batch and optimiser settings are those of packages/mtrl/config/agent/sac-pixels.yaml,
sac-ae.yaml, deepmdp.yaml and hipbmdp.yaml (one task, action size 1, 84x84 images of 3 stacked RGB
frames = 9 channels; every row of the batch is task 0, as pixels.ts's pixelBatch):

- encoder: pixels / 255 -> 3x3 conv 9->32 stride 2 -> 3 x (3x3 conv 32->32) with ReLU -> linear
  39 200 -> 50 -> LayerNorm -> tanh; the critic trains it, its target keeps a copy (tau 0.05);
- critic: two Q MLPs [50 features + 1 task one-hot + 1 action] -> 1024 -> 1024 -> 1, target tau 0.01;
- actor: MLP [50 + 1] -> 1024 -> 1024 -> (mean, log std), tanh-Gaussian, log std in [-10, 2],
  reading the critic's features detached;
- temperature: one log alpha (init 0.1), Adam lr 1e-4 betas (0.5, 0.999), target entropy -1;
- Adam lr 1e-3 betas (0.9, 0.999) for actor and critic; actor and targets every second update;
- SAC-AE: linear 50 -> 32 x 35 x 35 -> ReLU -> 3 x (3x3 transposed conv 32->32, ReLU) -> 3x3
  transposed conv 32->9 stride 2 (output padding 1) back to 84x84, after every update: MSE against
  the 5-bit target plus 1e-6 * 1/2 |h|^2; decoder Adam lr 1e-3 weight decay 1e-7, encoder Adam lr 1e-3.
- DeepMDP (latent-model.ts): the SAC side of sac-pixels, then after the targets two steps every
  update. (1) transition and reward: h = encoder(o) with gradient, h' = encoder(o') without; the
  deterministic transition model [h | a] (51) -> linear 512 -> LayerNorm -> ReLU -> linear 50 = mu,
  loss 1/2 mean (mu - h')^2; the reward decoder mu (50) -> linear 512 -> LayerNorm -> ReLU -> linear 1,
  MSE against the reward; one backward of their sum, then Adam steps of the transition model and the
  reward decoder (lr 1e-3, betas (0.9, 0.999), weight decay 1e-7) and of the encoder (its own Adam,
  lr 1e-3, no weight decay). (2) next image: h = encoder(o) again with gradient, mu = T(h, a), the SAC-AE
  decoder of mu against the 5-bit target of the NEXT observation, no latent penalty (0); one backward,
  Adam steps of the transition model, the decoder (lr 1e-3, weight decay 1e-7) and the encoder.
- HiP-BMDP: the same SAC networks without task input (taskEncoder none: critic [50 + 1] -> 1024 ->
  1024 -> 1, actor [50] -> 1024 -> 1024 -> 2) and one shared temperature (the same thing with one
  task); actor, critic and temperature optimisers as above (the (0.5, 0.999) betas are the
  temperature's only). theta: a 50-d embedding per task (N(0, 1)) -> ReLU -> linear 100 -> ReLU ->
  linear 50, its own Adam (lr 1e-3, betas (0.9, 0.999)); each row gets its task's theta. DeepMDP's
  steps (1) and (2) with the transition model reading [h | theta | a] (101) and the reward decoder
  [mu | theta] (100); their backward passes also reach theta, whose gradients are summed, not
  stepped. (3) the contrastive step: theta of the rows (with gradient), Theta~ the rows reversed;
  without gradient h = encoder(o), M = T(h, Theta, a), M~ = T(h, Theta~, a), d = |M - M~| (Frobenius
  over the batch); loss (|Theta - Theta~| - d)^2, backward of 0.01 x loss onto theta, added to the
  gradients of (1) and (2), one Adam step of theta.
  With one task, as pixels.ts runs it (numTasks 1, every task index 0), Theta~ = Theta: our
  contrastiveLoss then takes its |Theta - Theta~|^2 = 0 branch (loss 0 x |.|^2 + d^2, here d = 0) and
  theta gets no gradient from it, but every pass of step (3) still runs (the encoder forward, the
  two transition forwards, theta's forward and a backward of zeros) and theta is still stepped with
  the gradients of (1) and (2). The twin takes the same branch, so it times the same passes.

Each update runs the same passes as MTSACAgent.update: the critic step (critic encoder and target
encoder on the next observations without gradient, the critic encoder on the observations with
gradient), then on even updates the actor step (critic encoder on the observations without
gradient) and the Polyak moves, then the auxiliary loss's steps (SAC-AE's reconstruction step;
DeepMDP's steps 1 and 2; HiP-BMDP's steps 1, 2 and 3).

Not mirrored exactly (none of which changes the work done per update by more than a copy):
- our transition model and reward decoder never concatenate their inputs: the first layer multiplies
  [h], [theta] and [a] by their own weight columns; the twins concatenate and use one nn.Linear
  (the same products, plus a [128, 101] copy);
- our latent model sums theta's gradients of steps (1) and (2) into a buffer and adds them to the
  contrastive gradient; the twin leaves them in theta's .grad, where PyTorch accumulates them;
- only the deterministic transition model is twinned (what deepmdp.yaml and hipbmdp.yaml choose;
  the probabilistic one would add a sigma head and a draw mu + sigma * eps per step);
- weights start from PyTorch's default initialisation and the noise comes from torch's generator,
  so values (not passes or shapes) differ from ours.

Two modes, JSON lines on stdout:

  python3 pixels_peer.py --recipes sac-pixels,sac-ae,deepmdp,hipbmdp --iters 6 --warmup 2   # standalone
  python3 pixels_peer.py --serve                                                            # driven by pixels.ts

In --serve mode it reads commands from stdin, one per line: `run <recipe> <updates>` answers with
the wall and CPU milliseconds of each update; `rss` with the peak resident set; `quit` ends.
"""

import argparse
import json
import resource
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

CHANNELS, HEIGHT, WIDTH = 9, 84, 84
FILTERS, LAYERS, FEATURES, HIDDEN = 32, 4, 50, 1024
MAP = (HEIGHT - 3) // 2 + 1 - 2 * (LAYERS - 1)  # 35
ACTIONS, TASKS = 1, 1
MODEL_WIDTH, THETA_EMBEDDING, THETA = 512, 50, 50
RECIPES = ("sac-pixels", "sac-ae", "deepmdp", "hipbmdp")


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.convs = nn.ModuleList(
            [nn.Conv2d(CHANNELS, FILTERS, 3, stride=2)] + [nn.Conv2d(FILTERS, FILTERS, 3) for _ in range(LAYERS - 1)]
        )
        self.linear = nn.Linear(FILTERS * MAP * MAP, FEATURES)
        self.norm = nn.LayerNorm(FEATURES)

    def forward(self, pixels):
        hidden = pixels / 255.0
        for conv in self.convs:
            hidden = F.relu(conv(hidden))
        return torch.tanh(self.norm(self.linear(hidden.flatten(1))))


def mlp(inputs, outputs):
    return nn.Sequential(nn.Linear(inputs, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, outputs))


class Critic(nn.Module):
    """Twin Q MLPs on [features | task encoding | action]; task_size 0 (HiP-BMDP) reads no task."""

    def __init__(self, task_size):
        super().__init__()
        self.encoder = Encoder()
        self.q1 = mlp(FEATURES + task_size + ACTIONS, 1)
        self.q2 = mlp(FEATURES + task_size + ACTIONS, 1)

    def q_values(self, features, task, action):
        joined = torch.cat([features, action] if task is None else [features, task, action], dim=1)
        return self.q1(joined), self.q2(joined)


class Actor(nn.Module):
    def __init__(self, task_size):
        super().__init__()
        self.trunk = mlp(FEATURES + task_size, 2 * ACTIONS)

    def sample(self, features, task):
        mean, log_std = self.trunk(features if task is None else torch.cat([features, task], dim=1)).chunk(2, dim=1)
        log_std = -10 + 0.5 * (2 - -10) * (torch.tanh(log_std) + 1)
        std = log_std.exp()
        noise = torch.randn_like(mean)
        pre = mean + noise * std
        action = torch.tanh(pre)
        log_prob = (-0.5 * noise.pow(2) - log_std - 0.5 * torch.log(torch.tensor(2 * torch.pi))).sum(1, keepdim=True)
        log_prob = log_prob - torch.log(F.relu(1 - action.pow(2)) + 1e-6).sum(1, keepdim=True)
        return action, log_prob


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(FEATURES, FILTERS * MAP * MAP)
        self.deconvs = nn.ModuleList(
            [nn.ConvTranspose2d(FILTERS, FILTERS, 3) for _ in range(LAYERS - 1)]
            + [nn.ConvTranspose2d(FILTERS, CHANNELS, 3, stride=2, output_padding=1)]
        )

    def forward(self, features):
        maps = F.relu(self.linear(features)).view(-1, FILTERS, MAP, MAP)
        for layer, deconv in enumerate(self.deconvs):
            maps = deconv(maps)
            if layer < len(self.deconvs) - 1:
                maps = F.relu(maps)
        return maps


def layer_norm_mlp(inputs, outputs):
    """linear -> LayerNorm -> ReLU -> linear: the transition model's and the reward decoder's shape."""
    return nn.Sequential(nn.Linear(inputs, MODEL_WIDTH), nn.LayerNorm(MODEL_WIDTH), nn.ReLU(), nn.Linear(MODEL_WIDTH, outputs))


class TaskTheta(nn.Module):
    """HiP-BMDP's theta: an embedding per task (N(0, 1)) -> ReLU -> linear 2x -> ReLU -> linear."""

    def __init__(self, tasks):
        super().__init__()
        self.embeddings = nn.Parameter(torch.randn(tasks, THETA_EMBEDDING))
        self.hidden = nn.Linear(THETA_EMBEDDING, 2 * THETA_EMBEDDING)
        self.output = nn.Linear(2 * THETA_EMBEDDING, THETA)

    def forward(self, task_indices):
        # theta of every task, then each row's (our TaskTheta.ofRows: indexSelect of ofAllTasks).
        return self.output(F.relu(self.hidden(F.relu(self.embeddings))))[task_indices]


def reconstruction_target(pixels, bits=5):
    """floor(x / 2^(8 - bits)) / 2^bits + U(0, 1) / 2^bits - 0.5, as sac-ae.ts's reconstructionTarget."""
    bins = 2 ** bits
    return torch.floor(pixels / 2 ** (8 - bits)) / bins + torch.rand_like(pixels) / bins - 0.5


class PixelAgent:
    """One recipe's networks, optimisers and update, as MTSACAgent runs it."""

    def __init__(self, recipe):
        self.recipe = recipe
        # HiP-BMDP's policy and critic read no task (taskEncoder none); the others a one-hot of 1 task.
        self.task_size = 0 if recipe == "hipbmdp" else TASKS
        self.critic = Critic(self.task_size)
        self.critic_target = Critic(self.task_size)
        self.critic_target.load_state_dict(self.critic.state_dict())
        self.actor = Actor(self.task_size)
        # Per-task (one task) or shared (HiP-BMDP): one log alpha either way.
        self.log_alpha = torch.tensor([0.1]).log().requires_grad_(True)
        self.critic_optimizer = torch.optim.Adam(self.critic.parameters(), lr=1e-3, betas=(0.9, 0.999))
        self.actor_optimizer = torch.optim.Adam(self.actor.parameters(), lr=1e-3, betas=(0.9, 0.999))
        self.alpha_optimizer = torch.optim.Adam([self.log_alpha], lr=1e-4, betas=(0.5, 0.999))
        self.decoder = Decoder() if recipe != "sac-pixels" else None
        if self.decoder is not None:
            self.decoder_optimizer = torch.optim.Adam(self.decoder.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-7)
            self.encoder_optimizer = torch.optim.Adam(self.critic.encoder.parameters(), lr=1e-3, betas=(0.9, 0.999))
        self.latent_model = recipe in ("deepmdp", "hipbmdp")
        self.theta = TaskTheta(TASKS) if recipe == "hipbmdp" else None
        if self.latent_model:
            theta_size = 0 if self.theta is None else THETA
            self.transition = layer_norm_mlp(FEATURES + theta_size + ACTIONS, FEATURES)
            self.reward = layer_norm_mlp(FEATURES + theta_size, 1)
            self.transition_optimizer = torch.optim.Adam(self.transition.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-7)
            self.reward_optimizer = torch.optim.Adam(self.reward.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-7)
        if self.theta is not None:
            self.theta_optimizer = torch.optim.Adam(self.theta.parameters(), lr=1e-3, betas=(0.9, 0.999))

    def update(self, batch, index):
        observations, next_observations, actions, rewards, not_dones, task, task_indices = batch
        task = task if self.task_size > 0 else None
        alpha = self.log_alpha.exp().detach()
        with torch.no_grad():
            next_features = self.critic.encoder(next_observations)
            next_action, next_log_prob = self.actor.sample(next_features, task)
            target_q1, target_q2 = self.critic_target.q_values(self.critic_target.encoder(next_observations), task, next_action)
            target = rewards + 0.99 * not_dones * (torch.min(target_q1, target_q2) - alpha * next_log_prob)
        q1, q2 = self.critic.q_values(self.critic.encoder(observations), task, actions)
        critic_loss = F.mse_loss(q1, target) + F.mse_loss(q2, target)
        self.critic_optimizer.zero_grad(set_to_none=True)
        critic_loss.backward()
        self.critic_optimizer.step()
        if index % 2 == 0:
            with torch.no_grad():
                features = self.critic.encoder(observations)
            action, log_prob = self.actor.sample(features, task)
            actor_q1, actor_q2 = self.critic.q_values(features, task, action)
            actor_loss = (alpha * log_prob - torch.min(actor_q1, actor_q2)).mean()
            self.actor_optimizer.zero_grad(set_to_none=True)
            actor_loss.backward()
            self.actor_optimizer.step()
            alpha_loss = (self.log_alpha.exp() * (-log_prob - -ACTIONS).detach()).mean()
            self.alpha_optimizer.zero_grad(set_to_none=True)
            alpha_loss.backward()
            self.alpha_optimizer.step()
            with torch.no_grad():
                for name, tau in (("encoder", 0.05), ("q1", 0.01), ("q2", 0.01)):
                    for target_param, param in zip(getattr(self.critic_target, name).parameters(), getattr(self.critic, name).parameters()):
                        target_param.mul_(1 - tau).add_(param, alpha=tau)
        if self.latent_model:
            self.update_latent_model(observations, next_observations, actions, rewards, task_indices)
        elif self.decoder is not None:
            features = self.critic.encoder(observations)
            loss = F.mse_loss(self.decoder(features), reconstruction_target(observations)) + 1e-6 * (0.5 * features.pow(2).sum(1)).mean()
            self.encoder_optimizer.zero_grad(set_to_none=True)
            self.decoder_optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.encoder_optimizer.step()
            self.decoder_optimizer.step()

    def predict(self, latent, theta, actions):
        """The deterministic transition model's mean of the next latent from [h | (theta) | a]."""
        return self.transition(torch.cat([latent, actions] if theta is None else [latent, theta, actions], dim=1))

    def update_latent_model(self, observations, next_observations, actions, rewards, task_indices):
        """LatentModelLoss.update: steps 1 and 2 (updateEvery 1), and for HiP-BMDP step 3."""
        encoder = self.critic.encoder
        theta_model = self.theta
        if theta_model is not None:
            # theta's gradients of this update's three losses add up in .grad before its one step.
            self.theta_optimizer.zero_grad(set_to_none=True)
        # 1. transition and reward: one step of T, R and the encoder (theta's gradient kept).
        with torch.no_grad():
            next_latent = encoder(next_observations)
        theta = None if theta_model is None else theta_model(task_indices)
        predicted = self.predict(encoder(observations), theta, actions)
        transition_loss = 0.5 * (predicted - next_latent).pow(2).mean()
        reward_loss = F.mse_loss(self.reward(predicted if theta is None else torch.cat([predicted, theta], dim=1)), rewards)
        for optimizer in (self.transition_optimizer, self.reward_optimizer, self.encoder_optimizer):
            optimizer.zero_grad(set_to_none=True)
        (transition_loss + reward_loss).backward()
        self.transition_optimizer.step()
        self.reward_optimizer.step()
        self.encoder_optimizer.step()
        # 2. the next image decoded from T(h, a): one step of T, the decoder and the encoder (latent penalty 0).
        target = reconstruction_target(next_observations)
        theta = None if theta_model is None else theta_model(task_indices)
        loss = F.mse_loss(self.decoder(self.predict(encoder(observations), theta, actions)), target)
        for optimizer in (self.transition_optimizer, self.decoder_optimizer, self.encoder_optimizer):
            optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.transition_optimizer.step()
        self.decoder_optimizer.step()
        self.encoder_optimizer.step()
        if theta_model is None:
            return
        # 3. the contrastive loss (rows paired with the batch reversed), then theta's one step.
        theta = theta_model(task_indices)
        swapped = theta.flip(0)
        with torch.no_grad():
            latent = encoder(observations)
            predicted_distance = (self.predict(latent, theta, actions) - self.predict(latent, swapped, actions)).norm().item()
        difference = theta - swapped
        squared_norm = (difference * difference).sum()
        if squared_norm.item() <= 1e-30:
            # Every row meets its own task (always, with one task): our contrastiveLoss's constant branch.
            contrastive = squared_norm * 0 + predicted_distance ** 2
        else:
            gap = torch.exp(0.5 * torch.log(squared_norm)) - predicted_distance
            contrastive = gap * gap
        (0.01 * contrastive).backward()
        self.theta_optimizer.step()


def pixel_batch(size):
    generator = torch.Generator().manual_seed(1)
    pixels = lambda: torch.randint(0, 256, (size, CHANNELS, HEIGHT, WIDTH), generator=generator).float()
    return (
        pixels(), pixels(), torch.rand(size, ACTIONS, generator=generator) * 2 - 1, torch.rand(size, 1, generator=generator),
        torch.ones(size, 1), torch.ones(size, TASKS), torch.zeros(size, dtype=torch.long),  # one-hot of task 0; task indices, all 0
    )


class Peer:
    def __init__(self, batch_size):
        self.batch = pixel_batch(batch_size)
        self.agents = {}
        self.counts = {}

    def run(self, recipe, updates):
        if recipe not in self.agents:
            if recipe not in RECIPES:
                raise ValueError(f"pixels_peer: no PyTorch peer for recipe {recipe!r}; expected one of {', '.join(RECIPES)}")
            self.agents[recipe] = PixelAgent(recipe)
            self.counts[recipe] = 0
        wall, cpu = [], []
        for _ in range(updates):
            started, started_cpu = time.perf_counter(), time.process_time()
            self.agents[recipe].update(self.batch, self.counts[recipe])
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            self.counts[recipe] += 1
        return {"recipe": recipe, "msPerUpdate": wall, "cpuMsPerUpdate": cpu, "firstIndex": self.counts[recipe] - updates}


def peak_rss_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--serve", action="store_true", help="read run/rss/quit commands from stdin")
    parser.add_argument("--recipes", default="sac-pixels,sac-ae")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iters", type=int, default=6)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    info = {"torch": torch.__version__, "threads": torch.get_num_threads(), "mkldnn": torch.backends.mkldnn.is_available(), "batch": args.batch}
    peer = Peer(args.batch)
    if args.serve:
        print(json.dumps({"ready": True, **info}), flush=True)
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            if words[0] == "quit":
                break
            try:
                if words[0] == "run" and len(words) == 3:
                    print(json.dumps(peer.run(words[1], int(words[2]))), flush=True)
                elif words[0] == "rss":
                    print(json.dumps({"peakRssMB": peak_rss_mb()}), flush=True)
                else:
                    raise ValueError(f"pixels_peer: unknown command {line.strip()!r}; expected 'run <recipe> <updates>', 'rss' or 'quit'")
            except ValueError as error:
                print(json.dumps({"error": str(error)}), flush=True)
        return
    for recipe in args.recipes.split(","):
        peer.run(recipe, args.warmup)
        result = peer.run(recipe, args.iters)
        median = lambda values: sorted(values)[len(values) // 2]
        print(json.dumps({
            "bench": "pixel-update-peer", **info, "recipe": recipe, "medianMsPerUpdate": round(median(result["msPerUpdate"]), 1),
            "medianCpuMsPerUpdate": round(median(result["cpuMsPerUpdate"]), 1), "updates": args.iters, "peakRssMB": peak_rss_mb(),
        }), flush=True)


if __name__ == "__main__":
    main()
