"""Example Airflow DAG: rebuild the data, then regenerate two reports with PapermillOperator.

Copy to your Airflow ``dags/`` folder and set ``CCHC_ROOT`` to the project checkout (whose
``.venv`` was created by ``./run reports`` or ``./run test``). The notebooks resolve every path
from the installed package, so the operator's working directory does not matter; the kernel
must be ``python3`` from the project's virtual environment.
"""

from __future__ import annotations

import os
from datetime import datetime

from airflow import DAG
from airflow.operators.bash import BashOperator
from airflow.providers.papermill.operators.papermill import PapermillOperator

CCHC_ROOT = os.environ.get("CCHC_ROOT", "/opt/cchc-research")

with DAG(
    dag_id="cchc_reports",
    start_date=datetime(2026, 1, 1),
    schedule="0 3 * * 1",  # Mondays 03:00
    catchup=False,
    tags=["cchc"],
) as dag:
    build = BashOperator(task_id="build_data", bash_command=f"{CCHC_ROOT}/.venv/bin/cchc build -q")

    targets_hcm = PapermillOperator(
        task_id="targets_hcm_vi",
        input_nb=f"{CCHC_ROOT}/notebooks/02_targets_scorecard.ipynb",
        output_nb=f"{CCHC_ROOT}/reports/airflow/targets-hcm-vi-{{{{ ds }}}}.ipynb",
        parameters={"city": "79", "lang": "vi"},
        kernel_name="python3",
    )
    papi = PapermillOperator(
        task_id="papi_egovernance_en",
        input_nb=f"{CCHC_ROOT}/notebooks/03_papi_egovernance.ipynb",
        output_nb=f"{CCHC_ROOT}/reports/airflow/papi-egovernance-en-{{{{ ds }}}}.ipynb",
        parameters={"lang": "en"},
        kernel_name="python3",
    )
    # Or run the whole configured set (HTML, run.json, index) in one task:
    all_reports = BashOperator(task_id="all_reports", bash_command=f"cd {CCHC_ROOT} && .venv/bin/cchc reports run --jobs 2")

    build >> [targets_hcm, papi] >> all_reports
