#!/usr/bin/env bash
# Builds and starts the embedded deployment: every module in one process, SQLite + local recordings under
# $CEKURA_DATA_DIR, the in-memory bus. Prints an API key and a curl example once it is ready.
#
#   CEKURA_PORT      port on localhost (default 8080)
#   CEKURA_DATA_DIR  where the database and recordings live (default ./data, relative to the repo root)
#   CEKURA_API_KEY   accept this key (otherwise one is generated at first start and printed once)
#
# Any Section__Key variable from the README's configuration table works here too.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

export CEKURA_PORT=${CEKURA_PORT:-8080}
data=${CEKURA_DATA_DIR:-./data}
mkdir -p "$data"
export CEKURA_DATA_DIR=$(cd "$data" && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! command -v dotnet >/dev/null; then
  echo "run.sh: the .NET 10 SDK is required (https://dot.net); 'dotnet' is not on PATH" >&2
  exit 1
fi
# Ingest decodes every recording with ffprobe/ffmpeg and refuses to start without them.
ffmpeg_bin=${Audio__FfmpegPath:-ffmpeg} ffprobe_bin=${Audio__FfprobePath:-ffprobe}
if ! command -v "$ffmpeg_bin" >/dev/null || ! command -v "$ffprobe_bin" >/dev/null; then
  echo "run.sh: ffmpeg and ffprobe are required ('$ffmpeg_bin' / '$ffprobe_bin' not found)." >&2
  echo "  Debian/Ubuntu: sudo apt-get install ffmpeg    macOS: brew install ffmpeg" >&2
  echo "  Or point Audio__FfmpegPath and Audio__FfprobePath at the binaries." >&2
  exit 1
fi
echo "Building the all-in-one host (Release)..."
dotnet build services/all-in-one/Cekura.AllInOne.csproj -c Release -nologo -v quiet -clp:ErrorsOnly

cd services/all-in-one/bin/Release/net10.0
echo "Starting on http://localhost:$CEKURA_PORT with data in $CEKURA_DATA_DIR"
exec dotnet Cekura.AllInOne.dll
