policy --srt-settings missing-network.json --cwd /Users/alice/proj --home /Users/alice
