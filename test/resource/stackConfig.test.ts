/**
 * The stack config `configure` hands over is what the provider's later calls read, per provider,
 * kept in the process's registry; resetProcessState gives a test a fresh process.
 */
import { withStackConfig } from "../../provider/resource/stackConfig";
import { resetProcessState } from "../../provider/util/registry";

const configured = (values: Record<string, string>) => ({ config: { get: (k: string) => values[k], require: (k: string) => values[k] } }) as never;

function echoRuntime(name: string) {
  return withStackConfig(name, (stackConfig) => ({
    async create(inputs: Record<string, unknown>) {
      return { id: "x", outs: { value: stackConfig(inputs.key as string) ?? null } };
    },
  }));
}

describe("withStackConfig", () => {
  afterEach(() => resetProcessState());

  it("reads nothing before configure, then the config configure handed over", async () => {
    const runtime = echoRuntime("a");
    expect((await runtime.create({ key: "mde:apiUrl" })).outs).toEqual({ value: null });
    await runtime.configure!(configured({ "mde:apiUrl": "https://example.test" }));
    expect((await runtime.create({ key: "mde:apiUrl" })).outs).toEqual({ value: "https://example.test" });
  });

  it("keeps each provider's config apart, and forgets them all on resetProcessState", async () => {
    const [a, b] = [echoRuntime("a"), echoRuntime("b")];
    await a.configure!(configured({ k: "for a" }));
    await b.configure!(configured({ k: "for b" }));
    expect([(await a.create({ key: "k" })).outs, (await b.create({ key: "k" })).outs]).toEqual([{ value: "for a" }, { value: "for b" }]);
    resetProcessState();
    expect((await a.create({ key: "k" })).outs).toEqual({ value: null });
  });
});
