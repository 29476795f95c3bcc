import { Redis } from "ioredis";

/** A leaky bucket per caller, as Shopify's Admin API has it: spend cost, refill over time. */
export interface BudgetSettings {
  /** Points a caller holds when idle; also the most one operation may cost. */
  max: number;
  refillPerSecond: number;
}

export interface BudgetState {
  /** Points left after this operation (or now, for a look without spending). */
  remaining: number;
  max: number;
  refillPerSecond: number;
}

export interface SpendResult extends BudgetState {
  allowed: boolean;
  /** When refused: seconds until the bucket holds `cost` again. */
  retryAfterSeconds: number;
}

export interface CostBudget {
  readonly settings: BudgetSettings;
  /** Takes `cost` points from `key`'s bucket if it holds them; refuses otherwise (nothing taken). */
  spend(key: string, cost: number): Promise<SpendResult>;
  /** The bucket's level now, spending nothing. */
  peek(key: string): Promise<BudgetState>;
  close(): Promise<void>;
}

function retryAfter(settings: BudgetSettings, available: number, cost: number): number {
  return Math.max(1, Math.ceil((cost - available) / settings.refillPerSecond));
}

/**
 * Buckets in this process's memory: with several processes behind a load balancer each has
 * its own (use REDIS_URL to share them). Full buckets are forgotten, so memory follows the
 * callers active in the last max/refill seconds.
 */
export class MemoryCostBudget implements CostBudget {
  private readonly buckets = new Map<string, { available: number; at: number }>();

  constructor(
    readonly settings: BudgetSettings,
    private readonly now: () => number = Date.now,
  ) {}

  private level(key: string, at: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return this.settings.max;
    return Math.min(this.settings.max, bucket.available + ((at - bucket.at) / 1000) * this.settings.refillPerSecond);
  }

  async spend(key: string, cost: number): Promise<SpendResult> {
    const at = this.now();
    const available = this.level(key, at);
    const state = { max: this.settings.max, refillPerSecond: this.settings.refillPerSecond };
    if (cost > available) return { ...state, allowed: false, remaining: Math.floor(available), retryAfterSeconds: retryAfter(this.settings, available, cost) };
    this.buckets.set(key, { available: available - cost, at });
    if (this.buckets.size > 10_000) this.forgetFull(at);
    return { ...state, allowed: true, remaining: Math.floor(available - cost), retryAfterSeconds: 0 };
  }

  async peek(key: string): Promise<BudgetState> {
    return { remaining: Math.floor(this.level(key, this.now())), max: this.settings.max, refillPerSecond: this.settings.refillPerSecond };
  }

  private forgetFull(at: number): void {
    for (const key of this.buckets.keys()) if (this.level(key, at) >= this.settings.max) this.buckets.delete(key);
  }

  async close(): Promise<void> {}
}

// One round trip, atomic: refill by elapsed time, then take the cost if it is there.
// KEYS[1] bucket; ARGV: max, refill per second, now (ms), cost. Answers {allowed, available×1000}.
const SPEND = `
local max = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local stored = redis.call('HMGET', KEYS[1], 'available', 'at')
local available = max
if stored[1] then
  available = math.min(max, tonumber(stored[1]) + math.max(0, now - tonumber(stored[2])) / 1000 * rate)
end
local allowed = 0
if cost <= available then
  available = available - cost
  allowed = 1
  if cost > 0 then
    redis.call('HSET', KEYS[1], 'available', tostring(available), 'at', tostring(now))
    redis.call('PEXPIRE', KEYS[1], math.ceil((max - available) / rate * 1000) + 1000)
  end
end
return {allowed, math.floor(available * 1000)}
`;

/** Buckets shared by every process through Redis (REDIS_URL), so a caller's budget is one. */
export class RedisCostBudget implements CostBudget {
  private readonly redis: Redis;

  constructor(
    readonly settings: BudgetSettings,
    redisUrl: string,
    onConnectionError: (error: Error) => void,
  ) {
    this.redis = new Redis(redisUrl, { lazyConnect: false });
    this.redis.on("error", onConnectionError);
  }

  private async run(key: string, cost: number): Promise<{ allowed: boolean; available: number }> {
    const [allowed, available] = (await this.redis.eval(SPEND, 1, `refund-platform:budget:${key}`, this.settings.max, this.settings.refillPerSecond, Date.now(), cost)) as [number, number];
    return { allowed: allowed === 1, available: available / 1000 };
  }

  async spend(key: string, cost: number): Promise<SpendResult> {
    const { allowed, available } = await this.run(key, cost);
    const state = { max: this.settings.max, refillPerSecond: this.settings.refillPerSecond, remaining: Math.floor(available) };
    return allowed ? { ...state, allowed, retryAfterSeconds: 0 } : { ...state, allowed, retryAfterSeconds: retryAfter(this.settings, available, cost) };
  }

  async peek(key: string): Promise<BudgetState> {
    const { available } = await this.run(key, 0);
    return { remaining: Math.floor(available), max: this.settings.max, refillPerSecond: this.settings.refillPerSecond };
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
