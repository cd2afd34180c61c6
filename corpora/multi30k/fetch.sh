#!/usr/bin/env bash
# Downloads the public Multi30k task-1 raw files (Elliott et al. 2016) into this folder:
#   train.{en,de,fr,cs}, val.{en,de,fr,cs}, test_2016_flickr.{en,de,fr,cs}
# The data is not part of this repository; this script needs internet access. It is idempotent: files
# already present are kept. Source: https://github.com/multi30k/dataset (data/task1/raw).
set -euo pipefail
cd "$(dirname "$0")"
BASE=https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw
for split in train val test_2016_flickr; do
  for lang in en de fr cs; do
    file="$split.$lang"
    if [ -s "$file" ]; then echo "have $file"; continue; fi
    echo "fetching $file"
    curl -fsSL "$BASE/$file.gz" -o "$file.gz.part"
    mv "$file.gz.part" "$file.gz"
    gunzip -f "$file.gz"
  done
done
wc -l train.* val.* test_2016_flickr.*
