// Every call the platform makes to an address a shop typed in (plugin webhooks, later app
// webhooks) goes through here, so that a shop cannot point the server at itself, the cloud's
// metadata service or the private network: the URL is checked when it is saved, and the address
// actually connected to is checked again when sending (a name may resolve elsewhere by then).
import { type LookupAddress, type LookupOptions, lookup } from "node:dns";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP } from "node:net";
import { Readable } from "node:stream";

/** Addresses that are not the public internet (IANA special-purpose registries). */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) NOT_PUBLIC.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128], ["::1", 128], ["64:ff9b::", 96], ["64:ff9b:1::", 48], ["100::", 64], ["2001::", 23], ["2001:db8::", 32],
  ["2002::", 16], ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8],
] as const) NOT_PUBLIC.addSubnet(network, prefix, "ipv6");

/** `::ffff:10.0.0.1` is 10.0.0.1: judged as the IPv4 address it carries. */
function unmapped(address: string): { address: string; family: "ipv4" | "ipv6" } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: "ipv4" };
  return { address, family: isIP(address) === 6 ? "ipv6" : "ipv4" };
}

/** The environment's exceptions: `OUTBOUND_ALLOW_HOSTS`, comma-separated host names, IPs or CIDRs. */
export class OutboundPolicy {
  private readonly names = new Set<string>();
  private readonly addresses = new BlockList();

  constructor(allowList: string | undefined) {
    for (const entry of (allowList ?? "").split(",").map((item) => item.trim().toLowerCase()).filter(Boolean)) {
      const [network, prefix] = entry.split("/");
      const family = isIP(network!);
      if (family === 0) this.names.add(entry.replace(/^\[|\]$/g, ""));
      else if (prefix !== undefined) this.addresses.addSubnet(network!, Number(prefix), family === 6 ? "ipv6" : "ipv4");
      else this.addresses.addAddress(network!, family === 6 ? "ipv6" : "ipv4");
    }
  }

  allowsName(hostname: string): boolean {
    return this.names.has(hostname.toLowerCase());
  }

  allowsAddress(raw: string): boolean {
    const { address, family } = unmapped(raw);
    return this.addresses.check(address, family) || !NOT_PUBLIC.check(address, family);
  }
}

let cached: { source: string | undefined; policy: OutboundPolicy } | undefined;

/** The policy of the process's environment, read at each call (tests change it). */
export function outboundPolicy(): OutboundPolicy {
  const source = process.env.OUTBOUND_ALLOW_HOSTS;
  if (!cached || cached.source !== source) cached = { source, policy: new OutboundPolicy(source) };
  return cached.policy;
}

export class OutboundRefused extends Error {}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

function refusedAddress(hostname: string, address: string): string {
  return `${hostname} resolves to ${address}, which is not a public address (OUTBOUND_ALLOW_HOSTS can permit it)`;
}

/**
 * Why `raw` may not be a webhook target, or null when it may: an http(s) URL whose host is
 * allowed by name, or all of whose addresses are public or allowed.
 */
export async function outboundUrlProblem(raw: string, policy = outboundPolicy()): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "not a URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "only http and https URLs are called";
  if (url.username || url.password) return "credentials do not belong in the URL";
  const hostname = hostOf(url);
  if (policy.allowsName(hostname)) return null;
  if (isIP(hostname)) return policy.allowsAddress(hostname) ? null : refusedAddress(hostname, hostname);
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise((resolve, reject) => lookup(hostname, { all: true }, (error, found) => (error ? reject(error) : resolve(found))));
  } catch {
    return `${hostname} cannot be resolved`;
  }
  const denied = addresses.find((found) => !policy.allowsAddress(found.address));
  return denied ? refusedAddress(hostname, denied.address) : null;
}

/**
 * DNS lookup for the connection itself: the addresses the socket will use are the ones checked,
 * so a name that resolved to a public address when saved cannot be rebound to a private one.
 */
function guardedLookup(policy: OutboundPolicy) {
  return (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const denied = addresses.find((found) => !policy.allowsAddress(found.address));
      if (denied) return callback(Object.assign(new OutboundRefused(refusedAddress(hostname, denied.address)), { code: "EOUTBOUNDREFUSED" }), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/**
 * `fetch` for shop-supplied URLs: refuses a target that is not public (or allowed), checked on
 * the address connected to; never follows redirects (a 3xx is answered as is).
 */
export async function outboundFetch(raw: string, init: OutboundRequest = {}): Promise<Response> {
  const policy = outboundPolicy();
  const url = new URL(raw);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new OutboundRefused(`${url.protocol} URLs are not called`);
  const hostname = hostOf(url);
  const byName = policy.allowsName(hostname);
  if (!byName && isIP(hostname) && !policy.allowsAddress(hostname)) throw new OutboundRefused(refusedAddress(hostname, hostname));
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    const request = send(
      url,
      {
        method: init.method ?? "GET",
        headers: { ...init.headers, ...(init.body !== undefined && { "content-length": String(Buffer.byteLength(init.body)) }) },
        signal: init.signal,
        ...(!byName && { lookup: guardedLookup(policy) }),
      },
      (response) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
        }
        const status = response.statusCode ?? 502;
        const empty = status === 204 || status === 304 || (status >= 100 && status < 200);
        if (empty) response.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>), { status, headers }));
      },
    );
    request.on("error", reject);
    request.end(init.body);
  });
}
