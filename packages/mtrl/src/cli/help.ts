/** The help texts of `npx mtrl`, kept together so they read as one manual. */

export const MAIN_HELP = `mtrl: multi-task reinforcement learning from the command line

Usage:
  npx mtrl train [group=option ...] [key.path=value ...]   train a new run
                 [--config-dir <dir>]                      ... with your own config groups too
  npx mtrl train --resume <run>                            continue a stopped or killed run
  npx mtrl eval <run> [--episodes N] [--json]              evaluate a run's latest checkpoint
  npx mtrl report <run>                                    regenerate the run's report.html
  npx mtrl compare <run> <run> ... [--group-by agent|env|none] [--out compare.html]
                                                           success and return curves of several runs, mean ± sd per group
  npx mtrl list [--config-dir <dir>]                       config groups, components, environments, runs
  npx mtrl sweep <sweep.yaml> --local N | --queue <url>    a grid of runs over overrides and seeds
  npx mtrl sweep status <name>                             each run's state, step and last evaluation
  npx mtrl worker --queue redis://<host>:<port>            train queued sweep runs on this machine
  npx mtrl <command> --help                                help for one command

Examples:
  npx mtrl train                                   the default option of each group (train.yaml)
  npx mtrl train env=mt-pendulum agent=mtsac seed=3
  npx mtrl train experiment=smoke agent.alpha.type=shared "agent.actor.hiddenSizes=[256,256]"
  npx mtrl train --print-config seed=3             show the composed config and exit
  npx mtrl report mt-pendulum-mtsac-seed3
  npx mtrl compare runs/mt-pendulum-mtsac-seed1 runs/mt-pendulum-mtsac-seed2 runs/mt-pendulum-care-seed1

Config groups: the package ships env/, agent/ and experiment/ groups and a train.yaml of defaults
(npx mtrl list shows them and where they are); yours are read from config/ in the working
directory when it exists and from --config-dir <dir>, merged over the shipped ones file by file:
your agent/mtsac.yaml replaces the shipped one, your agent/mine.yaml adds agent=mine.

<run> is a run name inside the runs folder (runs/ by default) or a path to a run folder.
A run folder holds config.yaml, metrics.jsonl (also as metrics.csv and a TensorBoard event file in
tb/: tensorboard --logdir runs), checkpoints/ and report.html.
Exit codes: 0 done, 1 failed, 2 bad command line or config, 130 stopped by Ctrl-C.
`;

export const TRAIN_HELP = `Usage: npx mtrl train [group=option ...] [key.path=value ...] [--config-dir <dir>] [--print-config]
       npx mtrl train --resume <run>

Composes the config from the config groups (Hydra style; npx mtrl --help says where they are),
creates runs/<name>/, writes config.yaml, trains with a progress bar, and writes metrics.jsonl
(also as metrics.csv and as a TensorBoard event file in tb/), checkpoints/ and report.html.

Arguments:
  group=option       pick <group>/<option>.yaml of the config groups; groups: env, agent,
                     experiment (defaults in train.yaml; npx mtrl list shows every option)
  key.path=value     set one value, e.g. agent.discount=0.98, agent.encoder.type=identity;
                     values are YAML: 3 is a number, [256, 256] a list, null null, '"3"' the text 3
  key=value          shorthand for experiment.key=value, e.g. seed=3 or totalSteps=5000
Value overrides always win over group files, and a later override wins over an earlier one.
Unknown keys, bad values and unknown options are errors that say what is allowed.

Options:
  --config-dir <dir> also read config groups from <dir> (<dir>/<group>/<option>.yaml, and
                     optionally <dir>/train.yaml): its files win over the shipped ones and over
                     config/ in the working directory (which is read too, when it exists)
  --resume <run>     continue <run> from its latest checkpoint with its saved config.yaml
                     (no overrides allowed: a resumed run must equal an uninterrupted one)
  --print-config     print the composed config as YAML and exit without training
  --lease            (used by sweeps) train into exactly <experiment.runsDir>/<experiment.runName>
                     under its lease: resume it if it has a checkpoint, start it otherwise; exit 75
                     at once if another process holds the lease; stop with a checkpoint when the
                     parent process exits or on SIGTERM (lease length: MTRL_LEASE_SECONDS, 60)
  --help, -h         this help

The run is named <env>-<agent>-seed<seed> (experiment.runName to choose), with a -2, -3, ...
suffix if the name is taken. Ctrl-C saves a checkpoint and stops cleanly (resume it with
--resume); a second Ctrl-C quits at once.
`;

export const EVAL_HELP = `Usage: npx mtrl eval <run> [--episodes N] [--protocol default|metaworld] [--json]

Loads the latest checkpoint of <run> and evaluates the deterministic policy (tanh of the mean) on
every task; prints the return and success rate per task. Nothing in the run folder changes.

Options:
  --episodes N   episodes per task (default: the run's experiment.evalEpisodes)
  --protocol P   default, or metaworld: Meta-World's protocol (one episode per fixed configuration,
                 50 per task, ended at the first success; Meta-World MT10 and MT50 runs)
  --json         print the result as JSON instead of a table
  --help, -h     this help
`;

export const REPORT_HELP = `Usage: npx mtrl report <run>

Regenerates <run>/report.html from its metrics.jsonl and config.yaml: per-task success and return
curves, one chart per train/* metric, the last evaluation and the resolved config. The file is
self-contained (no network): open it in any browser. Works while the run is still training.
`;

export const COMPARE_HELP = `Usage: npx mtrl compare <run> <run> ... [--group-by agent|env|none] [--out compare.html]

Writes one self-contained HTML page (no network) comparing the evaluations of several runs: per
task, and as the mean over tasks, the success rate (when the environment reports success) and the
evaluation return over steps. Runs are grouped, and each group is drawn as the mean over its runs
with a band of ± one standard deviation (seeds of one recipe become one line). A table gives each
group's final results. Every run needs at least one evaluation in its metrics.jsonl.

Options:
  --group-by agent   runs of the same agent option and agent.* overrides form a group (default),
                     read from the header of each run's config.yaml ("composed from: ...")
  --group-by env     the same with the env option and env.* overrides
  --group-by none    every run is its own group
  --out <file>       where to write the page (default: compare.html in the current folder)
  --help, -h         this help

Example:
  npx mtrl compare mt-pendulum-mtsac-seed1 mt-pendulum-mtsac-seed2 mt-pendulum-care-seed1 mt-pendulum-care-seed2
`;

export const LIST_HELP = `Usage: npx mtrl list [--config-dir <dir>]

Lists the config groups and their options — the agent options are the component recipes (mtsac,
mtmhsac, mtsac-task-encoder, film, moe, care, soft-modularization) —, every multi-task component
with its options and defaults, the choices that can be made with key=value, the environment ids of
the mtenv registry, and the runs in runs/.

The groups are the shipped ones merged, as train does, with config/ in the working directory (when
it exists) and with --config-dir <dir>; each of your options is marked with its file.
`;

export const SWEEP_HELP = `Usage: npx mtrl sweep <sweep.yaml> --local N [--runs-dir <dir>] [--lease-seconds S]
       npx mtrl sweep <sweep.yaml> --queue redis://<host>:<port> [--runs-dir <dir>]
       npx mtrl sweep <sweep.yaml> --print
       npx mtrl sweep status <name> [--runs-dir <dir>] [--json]

Expands a sweep file into runs and trains each in <runs-dir>/<name>/<run>/ (sweep.json lists the
runs and their overrides). A run is trained by \`npx mtrl train <overrides> --lease\` with its output
in <run>/train.log; it resumes from its newest intact checkpoint when started again, and a lease
(<run>/lease.json, renewed while it trains) keeps it from running twice at once, on any machine.

Sweep file (YAML):
  name: pendulum-agents                 the sweep's folder name
  base: [env=mt-pendulum, experiment=smoke]    overrides of every run (optional)
  grid:                                 key: [values]; every combination is a run (optional)
    agent: [mtsac-small, mtmhsac]
  list:                                 explicit combinations, after the grid's (optional)
    - { agent: care, agent.encoder.numExperts: 2 }
  seeds: [1, 2, 3]                      each combination once per seed (optional)
Run names are made of the values that vary, e.g. mtsac-small-seed1, lr0.001-seed2.

Options:
  --local N            train here, N processes at a time; ends when every run is done or failed
  --queue <url>        add one job per run to the Redis queue (BullMQ) and return; workers
                       (npx mtrl worker --queue <url>) on any machine train them. Adding a sweep
                       again adds no run twice (failed runs are retried)
  --print              print the runs and their overrides, and exit
  --runs-dir <dir>     the runs folder (default: experiment.runsDir, runs/); with --queue it must
                       be a folder every worker can reach (a shared filesystem)
  --lease-seconds S    how long a run's lease lasts unless renewed (default 60): a run whose
                       machine died is taken over this long after its last renewal
  --json               (status) print the states as JSON
  --help, -h           this help

sweep status shows each run's state — pending, running (lease fresh), stalled (lease expired: its
machine died; a worker will take it over), done, failed (see <run>/train.log) — with its step,
last evaluation and lease holder, read from the run folders: it works from any machine that sees
the runs folder. It ends with the npx mtrl compare command for the finished runs.
Exit codes: 0 every run done, 1 some run failed, 2 bad command line or sweep file, 130 stopped.
`;

export const WORKER_HELP = `Usage: npx mtrl worker --queue redis://<host>:<port> [--concurrency N] [--runs-dir <dir>] [--lease-seconds S]

Trains the runs that npx mtrl sweep --queue added, N at a time (default 1), until stopped with
Ctrl-C or SIGTERM (running train processes save a checkpoint first). Start one on each machine.
A run whose worker died (its job lock expires) is taken by another worker once the run's lease has
expired, and continues from its newest intact checkpoint.

Options:
  --queue <url>        the Redis server holding the queue (Debian: apt-get install redis-server)
  --concurrency N      train processes at a time (default 1; one per 2 cores is a good start)
  --runs-dir <dir>     where the shared runs folder is mounted on this machine (default: the
                       path the sweep was enqueued with)
  --lease-seconds S    lease length given to the train processes (default 60; the same on
                       every worker); the job lock and the stalled check use half of it
  --help, -h           this help
`;
