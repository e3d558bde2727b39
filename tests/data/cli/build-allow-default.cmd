build --allow-default --deny-write /System
