#!/usr/bin/env bash
# Replays deploy/Dockerfile's build stage without docker (issue 24): a temp folder stands for the image's file system,
# each COPY copies exactly the files it names from the build context (the repository root, minus .dockerignore), and
# each RUN runs there with the image's absolute paths mapped into the temp folder (-o /app → $FS/app). Then it checks
# what the runtime stage takes: the published folder (COPY --from=build) holds the ENTRYPOINT's dll. A project
# reference the Dockerfile does not copy makes `dotnet restore` fail here, as it would in `docker build`.
# Usage: scripts/dockerfile-check.sh [DOCKERFILE]   (default deploy/Dockerfile; the context is the repository root)
# Needs the .NET SDK and the packages in the local NuGet cache (or the package source reachable), nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
DOCKERFILE=$(realpath "${1:-deploy/Dockerfile}")
WORK=$(mktemp -d -t rnn-dockerfile-XXXXXX)
trap 'rc=$?; [[ $rc -eq 0 ]] && rm -rf "$WORK" || echo "dockerfile-check: kept $WORK"; exit $rc' EXIT
START=$SECONDS

python3 - "$REPO" "$DOCKERFILE" "$WORK" <<'PY'
import fnmatch, json, os, re, shlex, shutil, subprocess, sys

repo, dockerfile, work = sys.argv[1:4]
fs = os.path.join(work, "fs")          # the image's "/"
os.makedirs(fs)

def fail(message):
    print(f"dockerfile-check: FAIL: {message}", flush=True)
    sys.exit(1)

# Instructions with their continuation lines joined; comments dropped.
instructions, pending = [], ""
for raw in open(dockerfile, encoding="utf-8"):
    line = raw.rstrip("\n")
    if not pending and (not line.strip() or line.lstrip().startswith("#")):
        continue
    if line.endswith("\\"):
        pending += line[:-1] + " "
        continue
    instructions.append((pending + line).strip())
    pending = ""

ignore = []
if os.path.exists(os.path.join(repo, ".dockerignore")):
    ignore = [p.strip().rstrip("/") for p in open(os.path.join(repo, ".dockerignore")) if p.strip() and not p.startswith("#")]

def ignored(relative):
    for pattern in ignore:
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern.removeprefix("**/")) \
                or fnmatch.fnmatch(os.path.basename(relative), pattern.removeprefix("**/")):
            return True
    return False

def in_image(path, workdir):
    return os.path.join(fs, os.path.normpath(os.path.join(workdir, path)).lstrip("/"))

def copy(source, destination, dest_is_folder):
    src = os.path.join(repo, source)
    if ignored(os.path.normpath(source)):
        return
    if os.path.isdir(src):
        for root, dirs, files in os.walk(src):
            rel_root = os.path.relpath(root, repo)
            dirs[:] = [d for d in dirs if not ignored(os.path.normpath(os.path.join(rel_root, d)))]
            for f in files:
                rel = os.path.normpath(os.path.join(rel_root, f))
                if ignored(rel):
                    continue
                target = os.path.join(destination, os.path.relpath(os.path.join(root, f), src))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copy2(os.path.join(root, f), target)
    elif os.path.isfile(src):
        target = os.path.join(destination, os.path.basename(src)) if dest_is_folder else destination
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(src, target)
    else:
        fail(f"COPY source '{source}' is not in the build context")

stage, workdir, entrypoint, published = 0, "/", None, []
for text in instructions:
    keyword, _, rest = text.partition(" ")
    keyword = keyword.upper()
    if keyword == "FROM":
        stage += 1
        workdir = "/"
        print(f"dockerfile-check: stage {stage}: {rest}", flush=True)
        continue
    if stage == 1:
        if keyword == "WORKDIR":
            workdir = os.path.join(workdir, rest.strip())
            os.makedirs(in_image(".", workdir), exist_ok=True)
        elif keyword == "COPY":
            args = shlex.split(rest)
            if any(a.startswith("--from") for a in args):
                fail("COPY --from in the build stage is not replayed")
            args = [a for a in args if not a.startswith("--")]
            *sources, dest = args
            destination = in_image(dest, workdir)
            for source in sources:
                copy(source, destination, dest.endswith("/") or len(sources) > 1)
        elif keyword == "RUN":
            # The image's absolute paths (words starting with '/') point into the stand-in file system.
            command = re.sub(r"(^|\s)/(?=[A-Za-z])", lambda m: m.group(1) + fs + "/", rest)
            print(f"dockerfile-check: RUN {rest}", flush=True)
            result = subprocess.run(["bash", "-c", command], cwd=in_image(".", workdir))
            if result.returncode != 0:
                fail(f"RUN {rest} exited with {result.returncode}")
        elif keyword in ("ENV", "ARG", "LABEL"):
            pass
        else:
            fail(f"{keyword} in the build stage is not replayed; teach scripts/dockerfile-check.sh")
    else:
        if keyword == "COPY" and "--from=" in rest:
            args = [a for a in shlex.split(rest) if not a.startswith("--")]
            published += [in_image(s, "/") for s in args[:-1]]
        elif keyword == "ENTRYPOINT":
            entrypoint = json.loads(rest)

for folder in published:
    if not os.path.isdir(folder) or not os.listdir(folder):
        fail(f"the runtime stage copies {os.path.relpath(folder, fs)} from the build stage, which the build did not produce")
if entrypoint:
    dlls = [a for a in entrypoint if a.endswith(".dll")]
    for dll in dlls:
        if not any(os.path.isfile(os.path.join(folder, dll)) for folder in published):
            fail(f"ENTRYPOINT runs {dll}, which is not in the published output")
print(f"dockerfile-check: the build stage restored and published; the runtime stage finds {', '.join(entrypoint or [])}", flush=True)
PY
echo "dockerfile-check: PASS in $((SECONDS - START)) s"
