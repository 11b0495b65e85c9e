// Makes sure the real infrastructure the int and e2e tiers need is there before any test.
// Order of preference, for Kafka and PostgreSQL each: what KAFKA_BROKERS / DATABASE_URL
// point at when it answers; else testcontainers when a Docker engine answers; else the
// repo's own local broker (deploy/kafka) and the machine's PostgreSQL. Never a skip.
const net = require('node:net');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '../..');

function answers(hostPort) {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.split(':').pop())];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function dockerAnswers() {
  try {
    const { getContainerRuntimeClient } = require('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

module.exports = async function globalSetup() {
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const dbUrl = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/verity_test');
  const kafkaUp = await answers(brokers.split(',')[0]);
  const pgUp = await answers(`${dbUrl.hostname}:${dbUrl.port || 5432}`);
  const docker = (!kafkaUp || !pgUp) && (await dockerAnswers());

  if (!kafkaUp && docker) {
    const { KafkaContainer } = require('@testcontainers/kafka');
    const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
    process.env.KAFKA_BROKERS = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
    globalThis.__verityContainers = [...(globalThis.__verityContainers ?? []), kafka];
  }
  if (!pgUp && docker) {
    const { PostgreSqlContainer } = require('@testcontainers/postgresql');
    const pgc = await new PostgreSqlContainer('postgres:16').withDatabase('verity_test').start();
    process.env.TEST_DATABASE_URL = pgc.getConnectionUri();
    globalThis.__verityContainers = [...(globalThis.__verityContainers ?? []), pgc];
  }
  // Starts the local broker when still nothing answers, and creates the test database.
  execFileSync('node', [path.join(root, 'scripts/infra.mjs'), '--test'], {
    stdio: 'inherit',
    env: process.env,
  });
};
