#!/usr/bin/env python3
"""Writes docs/events.schema.json, the JSON Schema of `ldm-console run --events FILE` lines,
from the table below (docs/events.md describes the same fields in words). Run it after
changing an event: python3 Scripts/events-schema.py > docs/events.schema.json"""
import json

PHASES = ["pre-checks", "target-creation", "state-transfer", "suspension", "hand-off"]
STATES = ["active", "bound", "inactive", "suspended"]
CHECKS = ["target-reachable", "authentication", "software", "domain-state", "target-name",
          "direct-io", "cpus", "cpu-type", "memory", "virtual-disks", "virtual-services",
          "console-port"]
FAULTS = ["link-down", "target-oom", "target-crash", "slow-link"]
FAILURES = ["pre-check", "link-down", "connection-closed", "channel-lost", "target-stopped-responding",
            "target-out-of-memory", "target-refused", "target-shutting-down", "digest-mismatch",
            "protocol-violation", "version-mismatch"]

string = {"type": "string"}
name = {"type": "string", "minLength": 1}
boolean = {"type": "boolean"}
count = {"type": "integer", "minimum": 0}
seconds = {"type": "number", "minimum": 0}
rate = {"type": "number", "minimum": 0}
digest = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
def enum(values): return {"type": "string", "enum": values}

# With compression, pass-finished, resumed and completed carry what the codec did.
def compression(cpu): return {"codec": enum(["lz4", "zstd"]), "uncompressedBytes": count,
                              "compressedBytes": count, "compressionRatio": rate, cpu: seconds}

# With more than one page channel, resumed and completed carry each channel's figures.
def channels(cpu): return {"channels": {
    "type": "array", "minItems": 2, "maxItems": 16,
    "items": {"type": "object", "required": ["index", "batches", "pages", "bytes", cpu],
              "properties": {"index": {"type": "integer", "minimum": 0, "maximum": 15},
                             "batches": count, "pages": count, "bytes": count, cpu: seconds},
              "additionalProperties": False}}}

# With XBZRLE agreed, completed carries what it did.
xbzrle = {"xbzrle": {
    "type": "object",
    "required": ["cacheBytes", "pages", "bytes", "wholeBytes", "misses", "overflows"],
    "properties": {"cacheBytes": count, "pages": count, "bytes": count, "wholeBytes": count,
                   "misses": count, "overflows": count},
    "additionalProperties": False}}

COMMON = {
    "time": seconds,
    "host": name,
    "migration": {"type": "integer", "minimum": 1},
    "domain": name,
    "phase": enum(PHASES),
    "message": name,
}
COMMON_REQUIRED = ["time", "kind", "host", "message"]

# kind: (required fields, optional fields)
KINDS = {
    "started": ({"targetHost": name, "targetName": name, "user": string, "live": boolean}, {}),
    "pre-check-passed": ({"check": enum(CHECKS), "passed": {"const": True}, "detail": string,
                          "failures": {"type": "array", "items": string, "maxItems": 0}}, {}),
    "pre-check-failed": ({"check": enum(CHECKS), "passed": {"const": False}, "detail": string,
                          "failures": {"type": "array", "items": name, "minItems": 1}}, {}),
    "phase-started": ({}, {}),
    "phase-finished": ({}, {}),
    "target-created": ({"targetHost": name, "targetName": name, "state": enum(STATES),
                        "flags": {"type": "string", "pattern": "^[-a-z]{6}$"}},
                       {"consolePort": count}),
    "cold-migration": ({}, {}),
    "pass-finished": ({"pass": {"type": "integer", "minimum": 1}, "bytes": count, "pages": count,
                       "seconds": seconds, "pagesDirtied": count, "throughput": rate,
                       "dirtyRate": rate, "lambda": rate,
                       "convergence": enum(["converging", "stalled", "diverging"])},
                      compression("compressSeconds")),
    "throttled": ({"throttle": {"type": "number", "minimum": 0, "maximum": 1},
                   "dirtyRate": rate, "throughput": rate}, {}),
    "downtime-over-limit": ({"downtime": seconds, "limit": seconds,
                             "reason": enum(["pass-limit", "throughput", "verification"])}, {}),
    "suspended": ({"dirtyPages": count, "vcpus": count}, {}),
    "hand-off-requested": ({"digest": digest}, {}),
    "digests-matched": ({"digest": digest}, {}),
    "resumed": ({"targetName": name},
                {**compression("decompressSeconds"), **channels("decompressSeconds")}),
    "completed": ({"targetHost": name, "targetName": name, "state": enum(STATES)},
                  {"downtime": seconds, **compression("compressSeconds"),
                   **channels("compressSeconds"), **xbzrle}),
    "cancelled": ({"targetHost": name, "targetName": name, "targetExisted": boolean,
                   "sourceState": enum(STATES)}, {}),
    "failed": ({"failure": enum(FAILURES), "errorFlag": boolean, "reason": name}, {}),
    "target-destroyed": ({"targetName": name,
                          "reason": enum(["cancelled", "failed", "connection-lost", "peer-silent",
                                          "restarted", "shutting-down",
                                          "protocol-violation"])}, {}),
    "error-cleared": ({"recovery": enum(["restored", "completed-on-target",
                                         "restored-unconfirmed"])}, {}),
    "fault-armed": ({"fault": enum(FAULTS), "trigger": enum(["now", "after-phase", "after-delay"]),
                     "aim": enum(["link", "migration"])},
                    {"bitsPerSecond": rate, "afterPhase": enum(PHASES), "afterSeconds": seconds,
                     "aimDomain": name}),
    "fault-injected": ({"fault": enum(FAULTS)}, {"bitsPerSecond": rate}),
    "fault-without-migration": ({"fault": enum(FAULTS)}, {"bitsPerSecond": rate}),
    "link-slowed": ({"bitsPerSecond": rate, "aim": enum(["link", "migration"])},
                    {"aimDomain": name}),
    "peer-refused": ({"peer": name, "reason": name}, {}),
}

branches = []
for kind, (required, optional) in KINDS.items():
    properties = dict(COMMON)
    properties["kind"] = {"const": kind}
    properties.update(required)
    properties.update(optional)
    branches.append({
        "title": kind,
        "type": "object",
        "required": COMMON_REQUIRED + list(required),
        "properties": properties,
        "additionalProperties": False,
    })

schema = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://github.com/ldm-console/ldm-console/docs/events.schema.json",
    "title": "ldm-console engine event (one line of --events FILE)",
    "description": "Generated by Scripts/events-schema.py; see docs/events.md.",
    "type": "object",
    "oneOf": branches,
}
print(json.dumps(schema, indent=2))
