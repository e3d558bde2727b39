policy --base toolchan --home /Users/alice --cwd /w
