#!/usr/bin/env python3
"""Share of JFR execution samples by component, as docs/performance.md reports them.

Usage: jfr print --events jdk.ExecutionSample RECORDING.jfr > samples.txt
       python3 scripts/jfr-components.py samples.txt
A sample counts for a component when any frame of its stack matches; the shares overlap.
"""
import collections
import re
import sys

COMPONENTS = [
    ("Flink heap keyed state", r"org\.apache\.flink\.runtime\.state\."),
    ("  of which Beam FlinkKey.equals", r"FlinkKey\.equals"),
    ("Beam timers", r"TimerInternals|FlinkTimerInternals|TimerData|onTimer|processTimer|InternalTimerServiceImpl"),
    ("GroupAlsoByWindow / ReduceFnRunner", r"ReduceFnRunner|GroupAlsoByWindow|TriggerStateMachine"),
    ("stateful DoFn runner", r"StatefulDoFnRunner"),
    ("Beam metrics", r"org\.apache\.beam\.runners\.core\.metrics|FlinkMetricContainer|ReaderInvocationUtil|DoFnRunnerWithMetricsUpdate"),
    ("protobuf", r"com\.google\.protobuf\."),
    ("Beam coders", r"org\.apache\.beam\.sdk\.coders\.|ProtoCoder|CoderTypeSerializer"),
    ("Vigil core", r"dev\.vigil\.core\."),
    ("Kafka clients", r"org\.apache\.kafka\."),
    ("Yauaa", r"nl\.basjes"),
]


def main(path):
    text = open(path, encoding="utf-8").read()
    stacks = [re.findall(r"^\s+([\w$.<>]+)\(", e, re.M) for e in text.split("jdk.ExecutionSample {")[1:]]
    stacks = [s for s in stacks if s]
    shares = collections.Counter()
    tops = collections.Counter()
    for frames in stacks:
        tops[frames[0]] += 1
        joined = " ".join(frames)
        for name, pattern in COMPONENTS:
            if re.search(pattern, joined):
                shares[name] += 1
    print(f"{len(stacks)} samples")
    for name, _ in COMPONENTS:
        print(f"{name:40s} {100 * shares[name] / len(stacks):5.1f} %")
    print("top frames:")
    for frame, n in tops.most_common(10):
        print(f"{100 * n / len(stacks):5.1f} % {frame}")


if __name__ == "__main__":
    main(sys.argv[1])
