policy --srt-settings bad-port.json --cwd /Users/alice/proj --home /Users/alice
