"""An example datatrove pipeline with Thresher's blocks: WARC -> clean -> filter -> Parquet.

    pip install 'thresher[scale]'
    python docs/scale_pipeline.py CRAWL_FOLDER OUT_FOLDER [--cleaner NAME] [--model MODEL]
        [--executor local|slurm|ray] [--tasks N]

Reads every ``*.warc``/``*.warc.gz`` under CRAWL_FOLDER as ``thresher import`` reads it,
optionally tags each page with what a line model says about it (``--model``, a file
``thresher train`` wrote) and drops pages the model finds mostly spam, cleans each page
with a Thresher cleaner (the same clean text ``thresher import`` would store), keeps pages
with at least 50 words, and writes Parquet shards to OUT_FOLDER, one per task. The same
pipeline list runs on every executor; only the executor line changes (docs/scale.md).
"""

from __future__ import annotations

import argparse
from typing import Any

from datatrove.pipeline.filters import LambdaFilter
from datatrove.pipeline.writers import ParquetWriter

from app.scale.blocks import LineModelTagger, ThresherExtractor, ThresherWarcReader

MIN_WORDS = 50
MAX_SPAM_SHARE = 0.8  # with --model: drop pages whose characters are mostly spam lines


def build_pipeline(crawl: str, out: str, cleaner: str | None, model: str | None) -> list[Any]:
    """Reader -> [line-model tagger -> spam filter] -> extractor -> length filter -> writer."""
    steps: list[Any] = [ThresherWarcReader(crawl)]
    if model is not None:
        steps += [
            LineModelTagger(model),
            LambdaFilter(lambda doc: doc.metadata["line_share_keep"] >= 1 - MAX_SPAM_SHARE),
        ]
    steps += [
        ThresherExtractor(cleaner),
        LambdaFilter(lambda doc: len(doc.text.split()) >= MIN_WORDS),
        ParquetWriter(out),
    ]
    return steps


def executor(kind: str, pipeline: list[Any], tasks: int, logs: str) -> Any:
    """The one part that differs between a laptop, a Slurm cluster and a Ray cluster."""
    if kind == "slurm":
        from datatrove.executor import SlurmPipelineExecutor  # noqa: PLC0415

        return SlurmPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks,
            time="02:00:00",
            partition="cpu",  # your cluster's partition
            job_name="thresher-clean",
            logging_dir=logs,  # shared storage (or s3://...) every node can reach
            cpus_per_task=1,
            mem_per_cpu_gb=2,
        )
    if kind == "ray":
        from datatrove.executor import RayPipelineExecutor  # noqa: PLC0415

        return RayPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks,
            logging_dir=logs,  # shared storage: the driver and every worker read it
            cpus_per_task=1,
            mem_per_cpu_gb=2,
        )
    from datatrove.executor import LocalPipelineExecutor  # noqa: PLC0415

    return LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, logging_dir=logs)


def main() -> None:
    """Parse the arguments and run the pipeline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("crawl", help="folder of WARC files (local, s3://, hf://, ...)")
    parser.add_argument("out", help="folder for the Parquet shards")
    parser.add_argument("--cleaner", default=None, help="trafilatura, lines, learned:MODEL ...")
    parser.add_argument("--model", default=None, help="a line model file, to tag and filter")
    parser.add_argument("--executor", choices=["local", "slurm", "ray"], default="local")
    parser.add_argument("--tasks", type=int, default=2, help="tasks (files are split by task)")
    parser.add_argument("--logs", default="scale-logs", help="datatrove's logging folder")
    args = parser.parse_args()
    pipeline = build_pipeline(args.crawl, args.out, args.cleaner, args.model)
    executor(args.executor, pipeline, args.tasks, args.logs).run()


if __name__ == "__main__":
    main()
