// The stack file format. The validator (stack/validate) and the published JSON
// Schema (schema/stack.schema.json) are both generated from this one definition.
import { arr, bool, int, obj, record, str, union, type Schema } from './schema-dsl.js';

const NAME = '^[A-Za-z0-9][A-Za-z0-9_.-]*$';
const port = (description: string): Schema => int({ min: 1, max: 65535, description });
// at most about a day: a stop_timeout of 99999999999999999999 would make down wait for ever
const duration = (description: string): Schema =>
  union(
    [
      int({ min: 0, max: 86_400, description: 'seconds (at most 86400, a day)' }),
      str({ pattern: '^(\\d{1,8}(\\.\\d+)?ms|\\d{1,5}(\\.\\d+)?s|\\d{1,4}(\\.\\d+)?m)$', patternHint: 'a duration of at most about a day, such as 500ms, 30s or 2m' }),
    ],
    { description },
  );
const portSpan = (description: string): Schema =>
  union([port('a single port'), str({ pattern: '^\\s*\\d+\\s*-\\s*\\d+\\s*$', patternHint: 'a port range such as 30000-32767' })], { description });
// dots and dashes too: images read such names (Elasticsearch's discovery.type), and a process gets any name without =
const envMap = record(union([str(), int(), bool()]), { description: 'environment variables; values may use ${...} interpolation', keyPattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' });
const envFiles = union(
  [
    str(),
    arr(union([str(), obj({ path: str({ description: 'path relative to the stack file' }), optional: bool({ description: 'a missing file is skipped, not an error' }) }, { required: ['path'] })])),
  ],
  { description: 'dotenv files, relative to the stack file; later files win; a missing file is an error unless optional' },
);
const exposure = str({
  enum: ['internal', 'external', 'public'],
  description: 'internal: only for this host (firewalled from outside); external: reachable by clients; public: meant to be reached from other machines (binding 0.0.0.0 or :: without it is warned about)',
});

const execCommand = union([str(), arr(str(), { minItems: 1 })], {
  description: 'a command run in the service\'s cwd and env, passing on exit 0; split into argv and run without a shell unless shell: true',
});
const probeShell = bool({ description: 'run exec through /bin/sh' });

export const readySchema: Schema = obj(
  {
    http: str({ description: 'HTTP path (or full URL) that must answer 2xx or 3xx, e.g. /health; an https:// URL is asked over TLS without checking the certificate, as Kubernetes probes do' }),
    tcp: bool({ description: 'ready when the port accepts connections' }),
    log: str({ description: 'regular expression matched against each output line' }),
    exit: bool({ description: 'a one-shot task: ready when it exits with code 0' }),
    metric: str({ description: "a condition on a Prometheus metric of the service's metrics: path (default /metrics), e.g. 'blocks_total >= 1' or 'peers{state=\"up\"} >= 2'" }),
    exec: execCommand,
    shell: probeShell,
    port: str({ description: 'which named port the probe uses (default: the first)' }),
    owned: bool({ description: 'the listener must belong to the service process tree (default true); false for a port held by a proxy such as docker-proxy' }),
    timeout: duration('how long to wait for readiness (default 60s)'),
    interval: duration('longest time between probes (default 50ms); the first 2s probe every 20ms at most'),
  },
  { description: 'readiness check; a service with a port and no ready gets tcp' },
);

export const healthSchema: Schema = obj(
  {
    http: str({ description: 'HTTP path (or full URL, https:// too) that must answer 2xx or 3xx' }),
    tcp: bool({ description: 'healthy while the port accepts connections' }),
    metric: str({ description: "a condition on a Prometheus metric of the service's metrics: path, e.g. 'raft_quorum == 1'" }),
    exec: execCommand,
    shell: probeShell,
    port: str({ description: 'which named port the probe uses (default: the first)' }),
    interval: duration('time between probes (default 5s)'),
    timeout: duration('how long one probe may take (default 2s)'),
    retries: int({ min: 1, description: 'failures in a row that make the service unhealthy (default 3)' }),
    start_period: duration('failures in this period after ready do not count (default 0)'),
  },
  { description: 'health after ready (liveness): probed every interval; unhealthy after retries failures, restarted when the service has a restart policy' },
);

const filesSchema = record(
  obj(
    {
      path: str({ description: 'where the file goes, relative to the stack root (default: the state folder); ${replica} allowed' }),
      template: str({ description: 'a template file, relative to the stack file, rendered with ${...} interpolation' }),
      content: str({ description: 'the text of the file, rendered with ${...} interpolation' }),
      generate: str({ enum: ['prometheus'], description: 'a file devnet writes: prometheus (a scrape config of the ports in use, after --remap and --port-offset)' }),
      mode: union([int({ min: 0, max: 777 }), str({ pattern: '^0?[0-7]{3}$', patternHint: 'an octal mode such as 0644 or 0755' })], { description: 'file mode, octal (default 0600)' }),
    },
    { description: 'one of template, content or generate' },
  ),
  { keyPattern: NAME, description: 'files rendered at up (after --remap and --port-offset), referenced as ${files.NAME}' },
);

export const serviceSchema: Schema = obj({
  description: str({ description: 'what the service is, shown in the port plan' }),
  command: union([str(), arr(str(), { minItems: 1 })], { description: 'program and arguments; split into argv and run without a shell unless shell: true' }),
  shell: bool({ description: 'run command through /bin/sh (interpolated values are quoted)' }),
  fallback: union([str(), arr(str(), { minItems: 1 })], { description: 'command run instead when the program of command: is not installed (a stand-in)' }),
  cwd: str({ description: 'working directory, relative to the stack root' }),
  host: str({ description: 'address the service binds; default: the stack host (127.0.0.1)' }),
  port: port('the service port, available as ${port}'),
  ports: record(port('a named port'), { keyPattern: NAME, description: 'named ports, available as ${ports.NAME}' }),
  udp_ports: record(port('a named UDP port'), { keyPattern: NAME, description: 'named UDP ports (peer discovery, gossip, DNS), available as ${udp_ports.NAME}: in the plan and in preflight, never probed; ports: are TCP' }),
  env: envMap,
  env_file: envFiles,
  depends_on: union(
    [
      arr(str()),
      record(
        obj({
          condition: str({ enum: ['ready', 'started', 'completed'] }),
          restart: bool({ description: 'restart this service after the dependency restarts' }),
        }),
        { keyPattern: NAME },
      ),
    ],
    { description: 'services to start first; condition ready (default), started or completed' },
  ),
  ready: readySchema,
  health: healthSchema,
  restart: str({ enum: ['no', 'on-failure', 'always', 'unless-stopped'], description: 'restart policy after the service was ready (default no)' }),
  max_restarts: int({ min: 0, description: 'restarts in a row before it is given up as failed (default 0: no limit)' }),
  backoff: duration('delay before the first restart; doubles with each restart in a row (default 1s; at least 100ms)'),
  backoff_max: duration('longest delay between restarts (default 30s)'),
  image: str({ description: 'container image: with engine: docker the service runs from it (command: is then its arguments); otherwise only devnet export compose|k8s reads it (default there: one for the program, with the stack root mounted)' }),
  engine: str({ enum: ['docker', 'none'], description: "docker: run image: as a container through the Docker CLI (or Podman's docker-compatible one), on the host's network, so its ports are the plan's; none: run command: as a process (default: the stack's engine:, else none)" }),
  user: str({ description: "engine: docker: who the container runs as: devnet's own user by default (uid:gid, so what it writes in its data: and mounts stays yours and down --volumes can delete it); image for the image's own USER; or a uid[:gid] or name" }),
  volumes: arr(str({ pattern: '^[^:]+:/[^:]*(:(ro|rw))?$', patternHint: 'HOST:CONTAINER or HOST:CONTAINER:ro, HOST relative to the stack root' }), {
    description: 'engine: docker: host directories or files mounted into the container, HOST:CONTAINER[:ro] with HOST relative to the stack root (interpolated); its files: and data: are mounted at their own paths',
  }),
  files: filesSchema,
  data: arr(str(), { description: "directories the service keeps data in: relative paths live in the state folder's data/, absolute ones (${stack.dir}/...) must be inside the stack root; ${replica} and other references allowed; created at up, kept across restarts, deleted by devnet down --volumes" }),
  replicas: int({ min: 1, max: 250, description: 'run N copies, named NAME-1 ... NAME-N (status, logs, --only, restart)' }),
  spread: str({ enum: ['hosts', 'ports'], description: 'how replicas are placed: hosts (default) keeps the port and gives each its own loopback address 127.0.0.1, 127.0.0.2, ...; ports gives replica i port + (i-1) * stride' }),
  stride: int({ min: 1, description: 'spread: ports: the distance between the ports of consecutive replicas (default 1)' }),
  watch: arr(str(), { description: 'paths or globs, relative to the service cwd, that restart it on change under devnet up --watch' }),
  profiles: arr(str({ pattern: NAME, patternHint: 'a profile name' }), { description: 'launched only with --profile; none: always launched' }),
  status: str({ enum: ['active', 'planned', 'deprecated'], description: 'planned: reserved in the plan, never launched; deprecated: carries migration' }),
  migration: str({ description: 'for deprecated ports: where the service moved and how' }),
  location: str({ description: 'where the service lives, for the port plan' }),
  notes: str({ description: 'free text for the port plan' }),
  protocol: str({ description: 'e.g. HTTP, gRPC/TLS; for the port plan' }),
  group: str({ description: 'name of a group whose range must contain the service ports' }),
  exposure,
  metrics: str({ description: 'HTTP path of Prometheus metrics, e.g. /metrics' }),
  url: str({ description: 'path shown in the URL table when up, e.g. / or /docs' }),
  setup: str({ description: 'how to get what the service needs (a checkout, a program); doctor shows it when missing' }),
  stop_timeout: duration('grace period between the stop (stop_signal, or stop_command) and SIGKILL (default 10s)'),
  stop_signal: str({ enum: ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2'], description: "the signal a stop sends the service's processes first (default SIGTERM); a container gets it as its stop signal" }),
  stop_command: union([str(), arr(str(), { minItems: 1 })], {
    description: "run to stop the service instead of sending stop_signal (redis-cli shutdown, pg_ctl stop), in the service's folder and env on the host; SIGKILL after stop_timeout if it has not exited. A down that finds the supervisor gone sends stop_signal",
  }),
  log_max_size: union([int({ min: 1024, description: 'bytes' }), str({ pattern: '^\\d+(\\.\\d+)?\\s*(B|KB|KiB|MB|MiB|GB|GiB)$', patternHint: 'a size such as 500KB, 20MB or 1GiB' })], {
    description: 'size at which the service log rotates (default 20MiB); 3 earlier logs are kept',
  }),
});

export const stackSchema: Schema = obj(
  {
    name: str({ pattern: NAME, patternHint: 'a name of letters, digits, "-", "_" or "."', description: 'stack name; names the state directory' }),
    description: str(),
    root: str({ description: 'directory services run from, relative to the stack file; ${env.VAR} allowed' }),
    setup: str({ description: 'how to get what the stack needs (a checkout for root:); doctor shows it when missing' }),
    host: str({ description: 'default bind address of services (default 127.0.0.1, loopback)' }),
    engine: str({ enum: ['docker', 'none'], description: 'the default engine: of services with an image: (default none: image: is read only by export)' }),
    files: filesSchema,
    alternatives: arr(str({ pattern: NAME }), { description: 'stacks this one stands in for, or that stand in for it: they never run at once, so doctor does not warn about the ports they share' }),
    env_file: envFiles,
    env: envMap,
    services: record(serviceSchema, { keyPattern: NAME, description: 'the services of the stack' }),
    ranges: arr(
      obj(
        { name: str({ pattern: NAME }), ports: portSpan('ports reserved, e.g. 30000-32767'), purpose: str(), exposure, protocol: str() },
        { required: ['name', 'ports'] },
      ),
      { description: 'port ranges reserved by the stack' },
    ),
    groups: arr(
      obj({ name: str({ pattern: NAME }), ports: portSpan('the range of the group'), description: str() }, { required: ['name', 'ports'] }),
      { description: 'port groups; a service with group: NAME must use ports inside it' },
    ),
  },
  { required: ['name', 'services'], extensions: true, description: 'a devnet stack; top-level keys starting with x- are free for YAML anchors' },
);
