policy --srt-settings bad-type.json --cwd /Users/alice/proj --home /Users/alice
