"""PyTorch peer of `npm run bench:pixels`: the same pixel SAC and SAC-AE updates, timed.

The networks, batch and optimiser settings are those of packages/mtrl/config/agent/sac-pixels.yaml
and sac-ae.yaml (one task, action size 1, 84x84 images of 3 stacked RGB frames = 9 channels):

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

Each update runs the same passes as MTSACAgent.update: the critic step (critic encoder and target
encoder on the next observations without gradient, the critic encoder on the observations with
gradient), then on even updates the actor step (critic encoder on the observations without
gradient) and the Polyak moves, then SAC-AE's reconstruction step.

Two modes, JSON lines on stdout:

  python3 pixels_peer.py --recipes sac-pixels,sac-ae --iters 6 --warmup 2     # standalone
  python3 pixels_peer.py --serve                                              # driven by pixels.ts

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
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.q1 = mlp(FEATURES + TASKS + ACTIONS, 1)
        self.q2 = mlp(FEATURES + TASKS + ACTIONS, 1)

    def q_values(self, features, task, action):
        joined = torch.cat([features, task, action], dim=1)
        return self.q1(joined), self.q2(joined)


class Actor(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = mlp(FEATURES + TASKS, 2 * ACTIONS)

    def sample(self, features, task):
        mean, log_std = self.trunk(torch.cat([features, task], dim=1)).chunk(2, dim=1)
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


class PixelAgent:
    """One recipe's networks, optimisers and update, as MTSACAgent runs it."""

    def __init__(self, autoencoder):
        self.critic = Critic()
        self.critic_target = Critic()
        self.critic_target.load_state_dict(self.critic.state_dict())
        self.actor = Actor()
        self.log_alpha = torch.tensor([0.1]).log().requires_grad_(True)
        self.critic_optimizer = torch.optim.Adam(self.critic.parameters(), lr=1e-3, betas=(0.9, 0.999))
        self.actor_optimizer = torch.optim.Adam(self.actor.parameters(), lr=1e-3, betas=(0.9, 0.999))
        self.alpha_optimizer = torch.optim.Adam([self.log_alpha], lr=1e-4, betas=(0.5, 0.999))
        self.decoder = Decoder() if autoencoder else None
        if autoencoder:
            self.decoder_optimizer = torch.optim.Adam(self.decoder.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-7)
            self.encoder_optimizer = torch.optim.Adam(self.critic.encoder.parameters(), lr=1e-3, betas=(0.9, 0.999))

    def update(self, batch, index):
        observations, next_observations, actions, rewards, not_dones, task = batch
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
        if self.decoder is not None:
            features = self.critic.encoder(observations)
            bins = 2 ** 5
            reconstruction_target = torch.floor(observations / 2 ** (8 - 5)) / bins + torch.rand_like(observations) / bins - 0.5
            loss = F.mse_loss(self.decoder(features), reconstruction_target) + 1e-6 * (0.5 * features.pow(2).sum(1)).mean()
            self.encoder_optimizer.zero_grad(set_to_none=True)
            self.decoder_optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.encoder_optimizer.step()
            self.decoder_optimizer.step()


def pixel_batch(size):
    generator = torch.Generator().manual_seed(1)
    pixels = lambda: torch.randint(0, 256, (size, CHANNELS, HEIGHT, WIDTH), generator=generator).float()
    return (
        pixels(), pixels(), torch.rand(size, ACTIONS, generator=generator) * 2 - 1, torch.rand(size, 1, generator=generator),
        torch.ones(size, 1), torch.ones(size, TASKS),
    )


class Peer:
    def __init__(self, batch_size):
        self.batch = pixel_batch(batch_size)
        self.agents = {}
        self.counts = {}

    def run(self, recipe, updates):
        if recipe not in self.agents:
            if recipe not in ("sac-pixels", "sac-ae"):
                raise ValueError(f"pixels_peer: no PyTorch peer for recipe {recipe!r}; expected sac-pixels or sac-ae")
            self.agents[recipe] = PixelAgent(autoencoder=recipe == "sac-ae")
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
