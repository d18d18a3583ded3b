"""Sweep explorer: placeholder until sim.sweep exists."""

import streamlit as st

st.title("Sweep explorer")
st.info("Not available yet: sim.sweep is being built.")
