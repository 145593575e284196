"""Tests of the Chartmetric client against the Chartmetric emulator over real HTTP."""
