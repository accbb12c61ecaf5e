import { parseArgs } from 'node:util';
import { connectToEngine, removeLabelled, STACK_LABEL, RUN_LABEL } from '../support/target/containers.ts';

const HELP = `usage: auth-ctk cleanup [--run <project>] [--images] [--dry-run]

Removes containers and networks of the containers target that a run left behind (a run killed with SIGKILL,
a crashed engine client, a \`docker-compose up\` you forgot). A normal run, Ctrl-C and SIGTERM clean up by
themselves; this is for the rest. It removes only what carries the kit's label (${STACK_LABEL}), never
anything else on the engine.

  --run <project>  only that run's containers and networks (label ${RUN_LABEL}=<project>)
  --images         also remove the kit's images (auth-ctk/reference:local, dangling builds); the local base
                   image auth-ctk/node-base:local is kept (docker/base-image.sh rebuilds it in a second)
  --dry-run        list what would be removed, remove nothing`;

export async function cleanupCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      run: { type: 'string' },
      images: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const dryRun = values['dry-run'];
  const { client } = await connectToEngine();
  const docker = client.container.dockerode;
  const label = values.run ? `${RUN_LABEL}=${values.run}` : STACK_LABEL;
  const removed = await removeLabelled(docker, label, { dryRun });
  const verb = dryRun ? 'would remove' : 'removed';
  for (const c of removed.containers) console.log(`${verb} container ${c}`);
  for (const n of removed.networks) console.log(`${verb} network ${n}`);
  if (values.images) {
    const images = await docker.listImages({ all: false, filters: { label: [STACK_LABEL] } });
    for (const image of images) {
      const name = image.RepoTags?.find((t) => t !== '<none>:<none>') ?? image.Id.slice(7, 19);
      if (!dryRun) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
      console.log(`${verb} image ${name}`);
    }
  }
  if (removed.containers.length + removed.networks.length === 0) console.log(`no container or network labelled ${label}`);
  return 0;
}
